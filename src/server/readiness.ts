import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { pendingMigrations } from '../db/migrator.js';
import { statementPoolOf } from '../db/statement-pool.js';
import { connectionUnavailability } from '../db/transient-errors.js';

/** `/ready`'s answer: HTTP status and body. */
export type Readiness = readonly [status: 200 | 503, body: { status: string; reason?: string; pending?: string[] }];

/**
 * How long one probe may take in all (a free connection, the migration check,
 * the lock probe), and how long it waits for a lock on the hot tables. Kept
 * under the 1 s that orchestrators give a probe by default.
 */
const PROBE_BUDGET_MS = 900;
const PROBE_LOCK_TIMEOUT_MS = 300;

/** The tables every request path reads: locked exclusively, no request can be served. */
const HOT_TABLES = ['programs', 'workout_sessions', 'workout_session_sets', 'program_versions'];

/**
 * Where a probe is, so that one over its budget can say why: still waiting
 * for a free connection of the statement pool (every one busy: exhausted) or
 * for a new one to open, waiting for the database's answer (reached, not
 * answering), or in the migration check, on MikroORM's pool (the database
 * answered the lock probe just before: its pool is the likelier cause).
 */
type ProbeStage = 'connecting' | 'answering' | 'migrations';

/**
 * Ready only when the service's own pools can serve a request now: a
 * connection is free within the probe's budget in each (the lock probe runs
 * through the statement pool that serves the hot reads, the migration check
 * through MikroORM's pool), the hot tables can be read (an ACCESS EXCLUSIVE
 * lock held by a migration or an operator would make every request wait, then
 * fail), and no migration is pending. Probing through the pools, not through
 * a connection of its own, is the point: an exhausted pool is a reason not to
 * send more traffic here.
 */
export async function readiness(orm: MikroORM): Promise<Readiness> {
  const pool = statementPoolOf(orm.em);
  const stage: { current: ProbeStage } = { current: 'connecting' };
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve(overBudgetAnswer(stage.current, pool)), PROBE_BUDGET_MS);
  });
  try {
    return await Promise.race([probe(orm, pool, stage), overBudget]);
  } finally {
    clearTimeout(timer);
  }
}

function overBudgetAnswer(stage: ProbeStage, pool: pg.Pool): Readiness {
  const exhausted: Readiness = [503, { status: 'pool exhausted', reason: `no database connection became free within ${PROBE_BUDGET_MS} ms` }];
  switch (stage) {
    case 'connecting':
      // pg-pool queues a request only when every connection is taken; otherwise it is opening a new one.
      return pool.waitingCount > 0 ? exhausted : [503, { status: 'database unreachable', reason: `no database connection opened within ${PROBE_BUDGET_MS} ms` }];
    case 'answering':
      return [503, { status: 'database unreachable', reason: `the database did not answer within ${PROBE_BUDGET_MS} ms` }];
    case 'migrations':
      return exhausted;
  }
}

async function probe(orm: MikroORM, pool: pg.Pool, stage: { current: ProbeStage }): Promise<Readiness> {
  try {
    await probeLocks(pool, stage);
    stage.current = 'migrations';
    const pending = await pendingMigrations(orm);
    if (pending.length > 0) return [503, { status: 'migrations pending', pending }];
    return [200, { status: 'ready' }];
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '55P03' || code === '57014') {
      return [503, { status: 'tables locked', reason: `a lock on ${HOT_TABLES.join(', ')} was not granted within ${PROBE_LOCK_TIMEOUT_MS} ms: another session holds or awaits an exclusive lock` }];
    }
    switch (code === undefined ? connectionUnavailability(error) : undefined) {
      case 'no free connection':
        return [503, { status: 'pool exhausted', reason: 'no database connection became free in time' }];
      case 'connection lost':
        return [503, { status: 'database unreachable', reason: 'the database connection was lost' }];
      case 'no answer':
        return [503, { status: 'database unreachable', reason: 'the database did not answer in time' }];
      case undefined:
        return [503, { status: 'database unreachable' }];
    }
  }
}

/** Takes and releases at once a share lock on every hot table, in a transaction of its own, waiting a bounded time. */
async function probeLocks(pool: pg.Pool, stage: { current: ProbeStage }): Promise<void> {
  const client = await pool.connect();
  stage.current = 'answering';
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: its connection failing between two statements must not go unhandled.
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('begin');
    await client.query(`/* readinessLimits */ select set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)`, [
      `${PROBE_LOCK_TIMEOUT_MS}ms`,
      `${PROBE_BUDGET_MS}ms`,
    ]);
    await client.query(`/* readinessLockProbe */ lock table ${HOT_TABLES.join(', ')} in access share mode`);
  } finally {
    if (!broken) await client.query('rollback').catch((error: Error) => (broken = error));
    client.removeListener('error', onError);
    // A connection that failed is not given back to the pool.
    client.release(broken);
  }
}
