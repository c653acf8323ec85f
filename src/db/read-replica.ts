import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { createOrm, serviceOrmOptions, type OrmOptions } from './orm.js';

/** What became of rows asked of the replica: read there, not there yet (read from the primary), or read from the primary because the replica could not answer. */
export type ReplicaOutcome = 'hit' | 'miss' | 'fallback';

/** Why a replica read gave up: it failed (down, refusing, cancelled by replay), or it ran past the bound. */
export type ReplicaFailure = 'error' | 'timeout';

export interface ReadReplicaOptions {
  /** The replica's pool, built like the primary's (`serviceOrmOptions`). */
  readonly orm: OrmOptions;
  /** The longest one replica read may take, a free connection included, before the primary answers instead. */
  readonly timeoutMs: number;
  /** After a failure, how long reads skip the replica before trying it again. */
  readonly retryAfterMs: number;
  readonly onRows?: (outcome: ReplicaOutcome, count: number) => void;
  readonly onFailure?: (reason: ReplicaFailure, error: unknown) => void;
}

/**
 * A PostgreSQL streaming replica (`DATABASE_READ_URL`) for reads that cannot
 * show a user stale data. It is optional in every sense: `read` never throws —
 * a replica that is down, refuses, or is slower than `timeoutMs` answers
 * `undefined`, the caller reads the primary, and the replica is skipped for
 * `retryAfterMs` so an outage costs one bounded wait, not one per request.
 * The pool is opened on first use, so a replica that is down when the service
 * starts does not stop it from starting.
 */
export class ReadReplica {
  private orm: Promise<MikroORM> | null = null;
  private skipUntil = 0;
  private closed = false;

  constructor(private readonly options: ReadReplicaOptions) {}

  /** True unless the replica is being skipped after a failure (or closed). */
  get available(): boolean {
    return !this.closed && Date.now() >= this.skipUntil;
  }

  /** `work` on a fresh EntityManager of the replica; `undefined` when the replica is skipped, fails or is too slow. */
  async read<T>(work: (em: EntityManager) => Promise<T>): Promise<T | undefined> {
    if (!this.available) return undefined;
    const attempt = this.open().then((orm) => work(orm.em.fork()));
    // Abandoned after a timeout, it still settles (the replica's statement_timeout ends it): its outcome is nobody's.
    attempt.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const overBound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs);
    });
    try {
      const result = await Promise.race([attempt.then((value) => ({ value })), overBound]);
      if (result !== 'timeout') return result.value;
      this.failed('timeout', new Error(`the read replica did not answer within ${this.options.timeoutMs} ms`));
    } catch (error) {
      this.failed('error', error);
    } finally {
      clearTimeout(timer);
    }
    return undefined;
  }

  /** Counts `count` rows with `outcome` (no-op for none). */
  count(outcome: ReplicaOutcome, count: number): void {
    if (count > 0) this.options.onRows?.(outcome, count);
  }

  async close(): Promise<void> {
    this.closed = true;
    const orm = await this.orm?.catch(() => null);
    await orm?.close();
  }

  private failed(reason: ReplicaFailure, error: unknown): void {
    this.skipUntil = Date.now() + this.options.retryAfterMs;
    this.options.onFailure?.(reason, error);
  }

  private open(): Promise<MikroORM> {
    this.orm ??= createOrm(this.options.orm).catch((error: unknown) => {
      this.orm = null; // tried again after the skip
      throw error;
    });
    return this.orm;
  }
}

/**
 * The replica's pool: the service's, with waits bounded by
 * DATABASE_READ_TIMEOUT_MS (a free connection, a statement), so a read given
 * up on does not go on running on the replica long after.
 */
export function replicaOrmOptions(
  config: Parameters<typeof serviceOrmOptions>[0] & Pick<Config, 'DATABASE_READ_TIMEOUT_MS'>,
  url: string,
): OrmOptions & { timeouts: NonNullable<OrmOptions['timeouts']> } {
  const pool = serviceOrmOptions(config, url);
  const boundMs = config.DATABASE_READ_TIMEOUT_MS;
  return {
    ...pool,
    acquireTimeoutMs: Math.min(config.DB_ACQUIRE_TIMEOUT_MS, boundMs),
    timeouts: { statementMs: boundMs, lockMs: Math.min(config.DB_LOCK_TIMEOUT_MS, boundMs), idleInTransactionMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS },
  };
}

/** The replica serving each primary, by the primary's configuration (which every fork and transaction of its EntityManager shares). */
const replicas = new WeakMap<object, ReadReplica>();

/** Makes `replica` serve reads of `primary`'s EntityManagers (see `readReplicaOf`); the returned function undoes it. */
export function attachReadReplica(primary: MikroORM, replica: ReadReplica): () => void {
  replicas.set(primary.config, replica);
  return () => {
    if (replicas.get(primary.config) === replica) replicas.delete(primary.config);
  };
}

/**
 * The replica that may serve a read made through `em`: none inside a
 * transaction (it reads its own writes, and a snapshot must be one database's)
 * or when no replica is attached to `em`'s primary.
 */
export function readReplicaOf(em: EntityManager): ReadReplica | undefined {
  if (em.isInTransaction()) return undefined;
  return replicas.get(em.config);
}
