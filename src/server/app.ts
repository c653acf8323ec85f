import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { createAuthenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Provider } from '@openfeature/server-sdk';
import { createFlagEvaluator } from '../flags/flag-snapshot.js';
import { reportNormalisations } from '../flags/legal-phase.js';
import { createApollo } from './apollo.js';
import { createHttpServer } from './http-server.js';
import { latestBackfillRun } from '../backfill/backfill-store.js';
import { Metrics } from './metrics.js';

export interface RunningApp {
  readonly server: Server;
  readonly url: string;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1_000_000;
/** How long shutdown waits for in-flight requests before closing the pool under them. */
const DRAIN_TIMEOUT_MS = 10_000;

/** Starts Apollo and the HTTP server on an already-migrated database. */
export async function startApp(config: Config, orm: MikroORM, log: Logger, options: { flagProvider?: Provider } = {}): Promise<RunningApp> {
  const production = config.NODE_ENV === 'production';
  const metrics = new Metrics(() => latestBackfillRun(orm));
  const apollo = createApollo({ production, metrics, log });
  await apollo.start();
  const http = createHttpServer({
    metrics,
    shadow: { sample: config.SHADOW_READ_SAMPLE, timeoutMs: config.SHADOW_READ_TIMEOUT_MS, metrics },
    apollo,
    orm,
    authenticate: createAuthenticator(config),
    evaluateFlags: createFlagEvaluator(config, options.flagProvider, reportNormalisations(log, metrics.flagNormalisations)),
    log,
    maxBodyBytes: MAX_BODY_BYTES,
    exposeStatementCount: !production,
  });
  const { server } = http;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://localhost:${port}/`,
    metrics,
    async close() {
      // Stop accepting, let in-flight requests finish (bounded), then stop Apollo.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.race([Promise.all([closed, http.drained()]), new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())]);
      server.closeAllConnections();
      await apollo.stop();
    },
  };
}
