import { adminPool } from './admin-pool.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/*
 * The test pools survive the server ending their idle connections. Without
 * the pool's `error` listener, the termination below is an uncaught
 * exception and this file fails to run (as the e2e suite
 * `user-scoped-statements` once did when its PostgreSQL stopped right after
 * `end()`).
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

test('an idle connection the server terminates is dropped, and the pool goes on', async () => {
  const pool = adminPool(db.adminUrl, 1);
  try {
    const pid = async () => (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const first = await pid();
    const dropped = new Promise<void>((resolve) => pool.once('remove', () => resolve()));
    await db.sql.query('select pg_terminate_backend($1)', [first]);
    await dropped;
    expect(await pid()).not.toBe(first);
  } finally {
    await pool.end();
  }
});
