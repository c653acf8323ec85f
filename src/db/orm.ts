import { DefaultLogger, MikroORM, defineConfig, type LogContext } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type pg from 'pg';
import type { Config } from '../config.js';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { labelOf, recordStatement } from './statement-counter.js';
import { connectionFailureOf, guardClient } from './guard-client.js';
import { statementPoolDriver } from './statement-pool.js';

/** Server-side limits on every connection of a pool, in milliseconds. */
export interface StatementTimeouts {
  /** `statement_timeout`: the longest one statement may run (lock waits included). */
  readonly statementMs: number;
  /** `lock_timeout`: the longest one statement waits for a lock. */
  readonly lockMs: number;
  /** `idle_in_transaction_session_timeout`: a transaction left open and idle this long is ended by the server. */
  readonly idleInTransactionMs: number;
}

/**
 * How much longer than `statement_timeout` the client waits for an answer to a
 * statement before it gives up on the connection (pg's `query_timeout`): the
 * server answers a statement over its timeout with an error at once, so only a
 * host or a network that stopped answering gets this far.
 */
export const NO_ANSWER_MARGIN_MS = 1000;

export interface OrmOptions {
  readonly url: string;
  /** Size of each of the two pools, MikroORM's and the statement pool (see `poolSizes`). */
  readonly poolMax?: number;
  /** How long a request waits for a free connection before failing as retryable. */
  readonly acquireTimeoutMs?: number;
  /** Unset: no limits, on the server or the client (operator commands, whose batches and migrations may legitimately run long). */
  readonly timeouts?: StatementTimeouts;
  /** Where the driver's own warnings go (a connection that died in the pool, …); default: stderr. */
  readonly driverLog?: (message: string) => void;
}

/**
 * The service's pool: every request-path statement runs under the configured
 * statement, lock and idle-in-transaction timeouts, so a held lock or a stuck
 * query turns into a retryable SERVICE_UNAVAILABLE instead of a hung request.
 */
export function serviceOrmOptions(
  config: Pick<Config, 'DB_POOL_MAX' | 'DB_ACQUIRE_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_LOCK_TIMEOUT_MS' | 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'>,
  url: string,
): OrmOptions {
  return {
    url,
    poolMax: config.DB_POOL_MAX,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
    timeouts: {
      statementMs: config.DB_STATEMENT_TIMEOUT_MS,
      lockMs: config.DB_LOCK_TIMEOUT_MS,
      idleInTransactionMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
  };
}

/**
 * The two pools of the process: the statement pool (`statement-pool.ts`:
 * every transaction and every hand-written statement) and MikroORM's own (what
 * the ORM runs outside a transaction: version trees on a cache miss, the
 * migration check). Each may open up to `poolMax`, so a process opens at most
 * twice that.
 */
export function poolSizes(poolMax: number): { readonly orm: number; readonly statements: number } {
  return { orm: poolMax, statements: poolMax };
}

/**
 * Counts every statement MikroORM sends (its own SQL, `em.execute`, BEGIN and
 * COMMIT) for `countStatements`: MikroORM hands each one to its logger, after
 * it ran, in the caller's async context. What is printed stays as configured.
 */
class StatementCountingLogger extends DefaultLogger {
  override logQuery(context: { query: string } & LogContext): void {
    recordStatement(labelOf(context.query));
    super.logQuery(context);
  }
}

/** One MikroORM instance per process; requests fork its EntityManager. */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const driverLog = options.driverLog ?? ((message: string) => process.stderr.write(`database driver: ${message}\n`));
  const connections = poolSizes(options.poolMax ?? 10);
  const acquireTimeoutMs = options.acquireTimeoutMs ?? 5000;
  // pg sends these as start-up parameters: set once per connection, no extra round trip.
  const connection = { application_name: 'training-subgraph', ...connectionTimeouts(options.timeouts) };
  return MikroORM.init(
    defineConfig({
      clientUrl: options.url,
      driver: statementPoolDriver({ max: connections.statements, acquireTimeoutMs, connection, log: driverLog }),
      entities,
      extensions: [Migrator],
      discovery: { warnWhenNoEntities: false },
      allowGlobalContext: false,
      loggerFactory: (loggerOptions) => new StatementCountingLogger(loggerOptions),
      pool: { min: 0, max: connections.orm, acquireTimeoutMillis: acquireTimeoutMs },
      driverOptions: {
        connection,
        // MikroORM's pool guards its connections as the statement pool does (`guard-client.ts`), and never hands out one that failed.
        pool: {
          afterCreate: (client: pg.ClientBase, done: (error: Error | null, client: pg.ClientBase) => void) => {
            guardClient(client);
            done(null, client);
          },
          validate: (client: pg.ClientBase) => connectionFailureOf(client) === undefined,
        },
        // knex prints its warnings with console.log otherwise: plain text in the middle of the JSON log.
        log: { warn: driverLog, error: driverLog, deprecate: driverLog, debug: () => {} },
      },
      migrations: {
        migrationsList: migrations,
        tableName: 'schema_migrations',
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        silent: true,
      },
    }),
  );
}

function connectionTimeouts(timeouts: StatementTimeouts | undefined) {
  if (!timeouts) return {};
  return {
    // Only where the server bounds every statement: an operator command's long statements get no client-side bound either.
    query_timeout: timeouts.statementMs + NO_ANSWER_MARGIN_MS,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  };
}
