import { z } from 'zod';
import { createOrm } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A pooled connection the server ended (a restart, an administrator's
 * pg_terminate_backend, an idle-in-transaction timeout) made knex print
 * `Connection Error: Connection ended unexpectedly` with console.log: plain
 * text in the middle of the service's JSON log. Its warnings go to the
 * logger the ORM is given.
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

describe('database driver warnings', () => {
  it('go to the logger the ORM is given, and the pool replaces the dead connection', async () => {
    const warnings: string[] = [];
    const orm = await createOrm({ url: db.url, poolMax: 1, driverLog: (message) => warnings.push(message) });
    try {
      const [first] = await orm.em.getConnection().execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      const pid = first!.pid;
      await db.sql.query('select pg_terminate_backend($1)', [pid]);
      // Until the driver hears of the end, a statement may still fail on the dead connection; then it is replaced.
      let again: number | undefined;
      for (let attempt = 0; attempt < 100 && again === undefined; attempt++) {
        const rows = await orm.em.getConnection().execute<{ pid: number }[]>('select pg_backend_pid() as pid').catch(() => null);
        if (rows) again = rows[0]!.pid;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(again).toBeDefined();
      expect(again).not.toBe(pid);
      expect(warnings.join('\n')).toMatch(/Connection Error/);
    } finally {
      await orm.close();
    }
  });

  it("of the statement pool go there too, and the statement pool replaces a connection the server ended", async () => {
    const warnings: string[] = [];
    const orm = await createOrm({ url: db.url, poolMax: 1, driverLog: (message) => warnings.push(message) });
    const backend = () => queryRows(orm.em.fork(), 'backendPid', 'select pg_backend_pid() as pid', [], z.object({ pid: z.number() }));
    try {
      const [first] = await backend();
      await db.sql.query('select pg_terminate_backend($1)', [first!.pid]);
      for (let attempt = 0; attempt < 100 && !warnings.some((w) => w.includes('statement pool')); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings.join('\n')).toMatch(/statement pool: idle connection failed: terminating connection/);
      const [again] = await backend();
      expect(again!.pid).not.toBe(first!.pid);
    } finally {
      await orm.close();
    }
  });
});
