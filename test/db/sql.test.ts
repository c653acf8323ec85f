import { z } from 'zod';
import { execute, queryRows } from '../../src/db/sql.js';
import { countStatements } from '../../src/db/statement-counter.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql.query('create table sql_probe (id int primary key, label text not null)');
  // The ORM connects as the service's login role, which gets nothing on a table by default.
  await db.sql.query('grant select, insert on sql_probe to training_runtime');
});
afterAll(async () => db.close());

const row = z.object({ id: z.number(), label: z.string(), question: z.string() });

describe('queryRows and execute, straight through the driver', () => {
  it('binds parameters (a ? in a literal stays text) and parses every row', async () => {
    const em = db.orm.em.fork();
    await execute(em, 'insertProbe', 'insert into sql_probe (id, label) select * from unnest(?::int[], ?::text[])', ['{1,2}', '{"one?","two"}']);
    const rows = await queryRows(em, 'selectProbe', `select id, label, '?' as question from sql_probe where id = any(?::int[]) order by id`, ['{1,2}'], row);
    expect(rows).toEqual([
      { id: 1, label: 'one?', question: '?' },
      { id: 2, label: 'two', question: '?' },
    ]);
  });

  it('runs a prepared statement again and again on every pooled connection, each call counted', async () => {
    const tally = { count: 0 };
    await countStatements(tally, async () => {
      const em = db.orm.em.fork();
      // More concurrent calls than one connection: several connections each prepare it once and reuse it.
      const all = await Promise.all(
        Array.from({ length: 30 }, (_, i) => queryRows(em, 'selectPrepared', `select id, label, ? as question from sql_probe where id = ?`, [`q${i}`, 1 + (i % 2)], row, { prepare: true })),
      );
      expect(all.map((rows) => rows[0]!.question)).toEqual(Array.from({ length: 30 }, (_, i) => `q${i}`));
    });
    expect(tally.count).toBe(30);
  });

  it('runs inside the EntityManager transaction: a rolled-back write is gone, also for prepared statements', async () => {
    const em = db.orm.em.fork();
    await expect(
      inTransaction(em, async (tx) => {
        await execute(tx, 'insertInTx', 'insert into sql_probe (id, label) values (?, ?)', [10, 'rolled back'], { prepare: true });
        const seen = await queryRows(tx, 'selectInTx', `select id, label, '' as question from sql_probe where id = ?`, [10], row);
        expect(seen).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await db.sql.query('select count(*)::int as n from sql_probe where id = 10')).rows[0].n).toBe(0);
  });

  it('fails loudly, naming the statement, when a row does not match its schema or the parameters do not match the SQL', async () => {
    const em = db.orm.em.fork();
    await expect(queryRows(em, 'badRow', `select 'x' as id, 'l' as label, '' as question`, [], row)).rejects.toThrow(/^badRow: row 0 does not match its schema/);
    await expect(execute(em, 'badCount', 'insert into sql_probe (id, label) values (?, ?)', [99])).rejects.toThrow('badCount: 2 placeholder(s) in the SQL but 1 parameter(s)');
    expect((await db.sql.query('select count(*)::int as n from sql_probe where id = 99')).rows[0].n).toBe(0);
  });
});
