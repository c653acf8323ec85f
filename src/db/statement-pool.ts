import {
  AbstractSqlDriver,
  ConnectionException,
  EventType,
  PostgreSqlConnection,
  PostgreSqlPlatform,
  knex,
  type Configuration,
  type DriverException,
  type ConnectionOptions,
  type EntityManager,
  type IsolationLevel,
  type Knex,
  type AnyEntity,
  type EntityData,
  type LogContext,
  type LoggingOptions,
  type QueryResult,
  type TransactionEventBroadcaster,
} from '@mikro-orm/postgresql';
import pg from 'pg';
import { connectionFailureOf, connectionLostException, guardClient } from './guard-client.js';
import { isTransientDatabaseError } from './transient-errors.js';

/**
 * Settings of the pool of our own beside MikroORM's (see `StatementPoolDriver`):
 * the same server, login and per-connection settings, its own size.
 */
export interface StatementPoolOptions {
  readonly max: number;
  /** How long a statement or a transaction waits for a free connection before failing (pg-pool's "timeout exceeded when trying to connect"). */
  readonly acquireTimeoutMs: number;
  /** Settings of every connection (application_name, statement/lock/idle timeouts, the client-side `query_timeout`), as MikroORM's pool has them. */
  readonly connection: Pick<pg.ClientConfig, 'application_name' | 'statement_timeout' | 'lock_timeout' | 'idle_in_transaction_session_timeout' | 'query_timeout'>;
  /** Where the pool reports a connection that failed while idle (the server ended it); default: stderr. */
  readonly log?: (message: string) => void;
}

type BeginOptions = {
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  ctx?: Knex.Transaction;
  eventBroadcaster?: TransactionEventBroadcaster;
  loggerContext?: LogContext;
};

/**
 * MikroORM's PostgreSQL connection plus one `pg.Pool` of our own, opened
 * lazily and closed with the ORM. The pool serves every hand-written statement
 * (`src/db/sql.ts`) and every transaction:
 *
 * - outside a transaction a statement takes any connection of the pool;
 * - a transaction (`em.transactional`, `em.begin`) runs on a connection taken
 *   from the pool for it and pinned to it until commit or rollback. MikroORM's
 *   own SQL of the transaction (the unit of work's flush, `em.find`, query
 *   builders) runs there through the ORM, and our hand-written statements
 *   reach the same `pg` client through `pinnedClientOf`.
 *
 * Either way our statements keep their parameters bound and fixed texts may be
 * named prepared statements. MikroORM 6 (and 7) inline every parameter into
 * the SQL text instead, so PostgreSQL would parse and plan each statement anew
 * (3.7 ms of planning per last-performance lookup, more than the lookup), and
 * the large JSON parameters of the backfill's writes would be copied into
 * escaped literals several times over. MikroORM's own pool keeps serving what
 * the ORM runs outside a transaction (version trees on a cache miss,
 * migrations).
 *
 * The one place the query builder underneath MikroORM 6 is named: a
 * transaction is begun on a given connection through its public
 * `transaction(null, { connection })`. Nothing else reaches into it.
 */
export class StatementPoolConnection extends PostgreSqlConnection {
  private pool: pg.Pool | undefined;
  /** Each open transaction's (and savepoint's) pinned client. */
  private readonly pinned = new WeakMap<Knex.Transaction, pg.PoolClient>();
  /** The client each transaction began on, kept after it went back: a failed COMMIT or ROLLBACK is told apart by it. */
  private readonly beganOn = new WeakMap<Knex.Transaction, pg.PoolClient>();
  /** Why a transaction ended before its COMMIT or ROLLBACK (its BEGIN failed, or its connection did). */
  private readonly failedBy = new WeakMap<Knex.Transaction, unknown>();

  constructor(
    config: Configuration,
    private readonly poolOptions: StatementPoolOptions,
    options?: ConnectionOptions,
    type?: 'read' | 'write',
  ) {
    super(config, options, type);
  }

  get statementPool(): pg.Pool {
    if (!this.pool) {
      const { max, acquireTimeoutMs, connection, log } = this.poolOptions;
      this.pool = new pg.Pool({
        connectionString: this.config.get('clientUrl'),
        // MikroORM's type parsers (timestamps as text, …): what the ORM reads on a pinned connection is parsed as on its own.
        types: this.getConnectionOptions().types as pg.CustomTypesConfig | undefined,
        max,
        connectionTimeoutMillis: acquireTimeoutMs,
        // As long as MikroORM's pool keeps an idle connection (pg's default is 10 s).
        idleTimeoutMillis: 30_000,
        ...connection,
      });
      const report = log ?? ((message: string) => process.stderr.write(`database driver: ${message}\n`));
      // An idle connection the server ended emits 'error' on the pool; unhandled, it would end the process.
      this.pool.on('error', (error) => report(`statement pool: idle connection failed: ${error.message}`));
      // A client checked out has no listener of the pool's, and `connect()` hands it over a tick later: a server that
      // ends a connection the moment it is ready (a shutdown's "terminating connection due to administrator command"
      // in the same packet as ReadyForQuery) would emit 'error' with no listener and end the process. So every
      // client is guarded from birth to end: it records its connection error (and a statement that got no answer),
      // and a client that failed is destroyed when it comes back (`release(error)`), not handed out again.
      this.pool.on('connect', (client) => guardClient(client));
    }
    return this.pool;
  }

  /** The `pg` client a transaction (or a savepoint in it) runs on; undefined for a transaction this connection did not begin. */
  pinnedClient(trx: Knex.Transaction): pg.PoolClient | undefined {
    return this.pinned.get(trx);
  }

  /**
   * Why a statement finds its transaction without a connection: a transaction
   * whose BEGIN (or SET TRANSACTION) failed on a lost connection is handed to
   * the caller all the same, already ended, and its first statement comes here.
   * That is the database's failure (ConnectionException, retryable); a
   * statement in a transaction that ended normally, or none, is a bug.
   */
  noConnectionFor(trx: Knex.Transaction | undefined): Error {
    const client = trx && this.beganOn.get(trx);
    const failure = trx && this.failedBy.get(trx);
    const message = 'the transaction this statement belongs to has already ended';
    const lost = client && connectionFailureOf(client);
    if (lost) return connectionLostException(new Error(message), lost);
    if (isTransientDatabaseError(failure)) return connectionLostException(new Error(message), failure instanceof Error ? failure : new Error(String(failure)));
    return new Error(client ? message : "this EntityManager is not in a transaction begun by createOrm's ORM");
  }

  /**
   * The ends of a transaction (BEGIN, COMMIT, ROLLBACK, savepoints) run through
   * the query builder underneath, which prefixes the SQL to `pg`'s message and
   * gives neither a code nor a class: "COMMIT; - Client has encountered a
   * connection error and is not queryable". Only this connection knows that
   * its client lost the server, so it says so here, in MikroORM's terms.
   */
  private connectionLost(client: pg.PoolClient | undefined, error: unknown): unknown {
    const lost = client && connectionFailureOf(client);
    if (!lost || !(error instanceof Error) || error instanceof ConnectionException) return error;
    return connectionLostException(error, lost);
  }

  /**
   * MikroORM's own SQL (flush, find, query builders, `em.execute`) in a
   * transaction that has already ended fails as our hand-written statements
   * do (`noConnectionFor`): a lost connection when its connection was lost or
   * its BEGIN failed for the database's sake, a bug otherwise — not with the
   * query builder's own message, which says neither.
   */
  override async execute<T extends QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[]>(
    queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
    params?: unknown[],
    method?: 'all' | 'get' | 'run',
    ctx?: Knex.Transaction,
    loggerContext?: LoggingOptions,
  ): Promise<T> {
    if (ctx && this.beganOn.has(ctx) && !this.pinned.has(ctx)) throw this.noConnectionFor(ctx);
    return super.execute<T>(queryOrKnex, params, method, ctx, loggerContext);
  }

  override async commit(ctx: Knex.Transaction, eventBroadcaster?: TransactionEventBroadcaster, loggerContext?: LogContext): Promise<void> {
    try {
      await super.commit(ctx, eventBroadcaster, loggerContext);
    } catch (error) {
      throw this.connectionLost(this.beganOn.get(ctx), error);
    }
  }

  override async rollback(ctx: Knex.Transaction, eventBroadcaster?: TransactionEventBroadcaster, loggerContext?: LogContext): Promise<void> {
    try {
      await super.rollback(ctx, eventBroadcaster, loggerContext);
    } catch (error) {
      throw this.connectionLost(this.beganOn.get(ctx), error);
    }
  }

  override async begin(options: BeginOptions = {}): Promise<Knex.Transaction> {
    if (options.ctx) {
      // A savepoint: on its parent's connection.
      const client = this.pinned.get(options.ctx);
      const trx = await super.begin(options).catch((error: unknown) => {
        throw this.connectionLost(client, error);
      });
      if (client) {
        this.pinned.set(trx, client);
        this.beganOn.set(trx, client);
      }
      return trx;
    }
    await options.eventBroadcaster?.dispatchEvent(EventType.beforeTransactionStart);
    const client = await this.statementPool.connect();
    let trx: Knex.Transaction;
    try {
      trx = await this.getKnex().transaction(null, { isolationLevel: options.isolationLevel, readOnly: options.readOnly, connection: client });
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw this.connectionLost(client, error);
    }
    this.pinned.set(trx, client);
    this.beganOn.set(trx, client);
    // Whatever ends the transaction (commit, rollback, a failed COMMIT), its connection goes back once; one that failed is destroyed.
    // (A fork keeps its transaction context after the end: forgetting the pin makes a late statement fail, not run on a client given back.)
    // (A transaction that failed for the database's sake may have a connection the server is ending: not reused either.)
    const unpin = (failure?: unknown) => {
      if (this.pinned.get(trx) !== client) return;
      this.pinned.delete(trx);
      if (failure !== undefined) this.failedBy.set(trx, failure);
      client.release(connectionFailureOf(client) ?? (isTransientDatabaseError(failure) ? (failure as Error) : undefined));
    };
    // A rollback rejects it (with no error of the connection's own): handled here, once.
    void trx.executionPromise.then(() => unpin(), unpin);
    for (const query of this.platform.getBeginTransactionSQL(options)) this.logQuery(query, options.loggerContext);
    await options.eventBroadcaster?.dispatchEvent(EventType.afterTransactionStart, trx);
    return trx;
  }

  /**
   * Opens one connection of the statement pool as the ORM connects, so that the
   * first request (and `/ready`'s short budget) does not pay for it. A failure
   * here is left to the first statement to report, as MikroORM does.
   */
  override async connect(): Promise<void> {
    await super.connect();
    await this.statementPool.connect().then(
      (client) => client.release(),
      () => {},
    );
  }

  override async close(force?: boolean): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await Promise.all([super.close(force), pool?.end()]);
  }
}

/**
 * MikroORM's PostgreSQL driver with `StatementPoolConnection` as its
 * connection. A driver subclass is MikroORM's own extension point (the
 * `driver` option), so the pool lives and dies with the ORM and every forked
 * EntityManager reaches it through `em.getConnection()`.
 */
export function statementPoolDriver(options: StatementPoolOptions): new (config: Configuration) => AbstractSqlDriver<StatementPoolConnection, PostgreSqlPlatform> {
  class Connection extends StatementPoolConnection {
    constructor(config: Configuration, connectionOptions?: ConnectionOptions, type?: 'read' | 'write') {
      super(config, options, connectionOptions, type);
    }
  }
  return class StatementPoolDriver extends AbstractSqlDriver<StatementPoolConnection, PostgreSqlPlatform> {
    constructor(config: Configuration) {
      super(config, new PostgreSqlPlatform(), Connection, ['knex', 'pg']);
    }

    /** MikroORM's pool had no free connection in time: a `ConnectionException`, as the statement pool's is (a plain DriverException says nothing). */
    override convertException(exception: Error): DriverException {
      if (exception instanceof knex.KnexTimeoutError) {
        const unavailable = new ConnectionException(exception);
        unavailable.message = `no free database connection within the acquire timeout: ${exception.message}`;
        return Object.assign(unavailable, { cause: exception, unavailable: 'no free connection' });
      }
      return super.convertException(exception);
    }
  };
}

function connectionOf(em: EntityManager): StatementPoolConnection {
  const connection = em.getConnection();
  if (!(connection instanceof StatementPoolConnection)) throw new Error('this EntityManager was not created by createOrm (no statement pool)');
  return connection;
}

/** The statement pool of the ORM `em` belongs to. */
export function statementPoolOf(em: EntityManager): pg.Pool {
  return connectionOf(em).statementPool;
}

/** The `pg` client of the transaction `em` is in. */
export function pinnedClientOf(em: EntityManager): pg.PoolClient {
  const trx = em.getTransactionContext();
  const connection = connectionOf(em);
  const client = trx ? connection.pinnedClient(trx) : undefined;
  if (!client) throw connection.noConnectionFor(trx);
  return client;
}
