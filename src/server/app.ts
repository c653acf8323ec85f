import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { createAuthenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Provider } from '@openfeature/server-sdk';
import { FlagFileProvider } from '../flags/flag-file-provider.js';
import { createFlagEvaluator } from '../flags/flag-snapshot.js';
import { reportNormalisations } from '../flags/legal-phase.js';
import { createApollo } from './apollo.js';
import { createHttpServer } from './http-server.js';
import { latestBackfillRuns } from '../backfill/backfill-store.js';
import { attachReadReplica, ReadReplica, replicaOrmOptions } from '../db/read-replica.js';
import { Metrics } from './metrics.js';
import { createMetricsServer } from './metrics-server.js';

export interface RunningApp {
  readonly server: Server;
  readonly url: string;
  /** Where Prometheus scrapes, on `METRICS_PORT`: nothing on the GraphQL port serves metrics. */
  readonly metricsUrl: string;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1_000_000;
/** How long shutdown waits for in-flight requests before closing the pool under them. */
const DRAIN_TIMEOUT_MS = 10_000;

/** Starts Apollo, the HTTP server and the metrics listener on an already-migrated database. */
export async function startApp(config: Config, orm: MikroORM, log: Logger, options: { flagProvider?: Provider } = {}): Promise<RunningApp> {
  const production = config.NODE_ENV === 'production';
  const metrics = new Metrics(() => latestBackfillRuns(orm));
  const replica = config.DATABASE_READ_URL ? openReadReplica(config, config.DATABASE_READ_URL, orm, metrics, log) : null;
  // Throws FlagFileError (a configuration error: exit 2) when the file is missing or unusable.
  const flagFile = config.FLAGS_FILE ? await FlagFileProvider.open(config.FLAGS_FILE, { log, onInvalid: () => metrics.flagFileInvalid.inc() }) : null;
  let url = `http://localhost:${config.PORT}/`;
  const apollo = createApollo({ production, serviceSdl: config.SUBGRAPH_SDL === 'on', metrics, log, graphqlUrl: () => `${url}graphql` });
  await apollo.start();
  const http = createHttpServer({
    metrics,
    shadow: { sample: config.SHADOW_READ_SAMPLE, timeoutMs: config.SHADOW_READ_TIMEOUT_MS, metrics },
    apollo,
    orm,
    authenticate: createAuthenticator(config),
    evaluateFlags: createFlagEvaluator(config, options.flagProvider ?? flagFile ?? undefined, reportNormalisations(log, metrics.flagNormalisations)),
    log,
    maxBodyBytes: MAX_BODY_BYTES,
    exposeStatementCount: !production,
  });
  const { server } = http;
  const metricsServer = createMetricsServer(metrics, log);
  await listen(metricsServer, config.METRICS_PORT);
  await listen(server, config.PORT).catch(async (error: unknown) => {
    await new Promise((resolve) => metricsServer.close(resolve));
    await flagFile?.close();
    await replica?.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  url = `http://localhost:${port}/`;
  const metricsUrl = `http://localhost:${(metricsServer.address() as AddressInfo).port}/metrics`;
  log.info({ metricsUrl }, `metrics at ${metricsUrl}`);
  return {
    server,
    url,
    metricsUrl,
    metrics,
    async close() {
      // Stop accepting, let in-flight requests finish (bounded), then stop Apollo.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.race([Promise.all([closed, http.drained()]), new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())]);
      server.closeAllConnections();
      await apollo.stop();
      // Last, so the drain above can still be watched.
      metricsServer.closeAllConnections();
      await new Promise((resolve) => metricsServer.close(resolve));
      await flagFile?.close();
      await replica?.close();
    },
  };
}

/** `DATABASE_READ_URL` serving `orm`'s version-tree reads until closed, counted in `metrics`. */
function openReadReplica(config: Config, url: string, orm: MikroORM, metrics: Metrics, log: Logger): { close(): Promise<void> } {
  const replica = new ReadReplica({
    orm: { ...replicaOrmOptions(config, url), driverLog: (message) => log.warn({ driver: message }, 'read replica driver warning') },
    timeoutMs: config.DATABASE_READ_TIMEOUT_MS,
    retryAfterMs: config.DATABASE_READ_RETRY_MS,
    onRows: (outcome, count) => metrics.replicaTrees.inc({ outcome }, count),
    onFailure: (reason, error) => {
      metrics.replicaFailures.inc({ reason });
      log.warn({ reason, error: String(error instanceof Error ? error.message : error) }, `read replica unavailable: reading from the primary for ${config.DATABASE_READ_RETRY_MS} ms`);
    },
  });
  const detach = attachReadReplica(orm, replica);
  return {
    async close() {
      detach();
      await replica.close();
    },
  };
}

/** Rejects with Node's own error (EADDRINUSE and its port) when the port is taken. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
