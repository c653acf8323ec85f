import { z } from 'zod';
import { createOrm } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { statementPoolOf } from '../../src/db/statement-pool.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A transaction holds one connection of the statement pool from BEGIN to
 * COMMIT or ROLLBACK — MikroORM's SQL and ours alike — and gives it back
 * whatever ends it: with one connection, every next transaction and statement
 * must get it again.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const backend = z.object({ pid: z.number() });
const pidOf = async (em: Parameters<typeof queryRows>[0]) => (await queryRows(em, 'backendPid', 'select pg_backend_pid() as pid', [], backend))[0]!.pid;

it('pins each transaction (and its savepoints) to one connection and gives it back after a commit, a rollback, a failed statement', async () => {
  const orm = await createOrm({ url: db.url, poolMax: 1, acquireTimeoutMs: 2000 });
  try {
    const pool = statementPoolOf(orm.em);
    const outside = await pidOf(orm.em.fork());

    const committed = await inTransaction(orm.em.fork(), async (tx) => {
      const ours = await pidOf(tx);
      const [orms] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      // A savepoint stays on the same connection.
      const nested = await tx.transactional((inner) => pidOf(inner as typeof tx));
      return [ours, orms!.pid, nested];
    });
    expect(committed).toEqual([outside, outside, outside]);

    await expect(inTransaction(orm.em.fork(), async () => Promise.reject(new Error('rolled back')))).rejects.toThrow('rolled back');
    await expect(inTransaction(orm.em.fork(), (tx) => queryRows(tx, 'badSql', 'select from from', [], backend))).rejects.toThrow(/syntax error/);
    await expect(
      inTransaction(orm.em.fork(), async (tx) => {
        await tx.execute('select 1/0');
      }),
    ).rejects.toThrow(/division by zero/);

    // The one connection is back, idle and usable, in and out of a transaction.
    expect(await inTransaction(orm.em.fork(), (tx) => pidOf(tx))).toBe(outside);
    expect(await pidOf(orm.em.fork())).toBe(outside);
    expect({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }).toEqual({ total: 1, idle: 1, waiting: 0 });
  } finally {
    await orm.close();
  }
});
