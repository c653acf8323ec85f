import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { createOrm, serviceOrmOptions } from '../../src/db/orm.js';
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

  it("inside a transaction runs on the transaction's own connection with bound parameters and prepared statements, a ? in a literal or comment staying text", async () => {
    const em = db.orm.em.fork();
    const tally = { count: 0 };
    const big = 'x'.repeat(100_000);
    await expect(
      countStatements(tally, () =>
        inTransaction(em, async (tx) => {
          await execute(tx, 'insertLiteralInTx', `/* why? */ insert into sql_probe (id, label) values (?, 'is it? ' || ?)`, [20, 'yes']);
          const seen = await queryRows(tx, 'selectLiteralInTx', `select id, label, '?' as question from sql_probe where id = ? and label like '%?%'`, [20], row, { prepare: true });
          expect(seen).toEqual([{ id: 20, label: 'is it? yes', question: '?' }]);
          // The transaction's own backend (MikroORM's SQL in it sees the same one and the same snapshot), where the prepared statement now lives.
          const probe = z.object({ pid: z.string(), at: z.string(), prepared: z.number(), sent: z.number() });
          const [inside] = await queryRows(
            tx,
            'backendInTx',
            `select pg_backend_pid()::text as pid, now()::text as at,
               (select count(*)::int from pg_prepared_statements where statement like '/* selectLiteralInTx */%') as prepared,
               (select length(query) from pg_stat_activity where pid = pg_backend_pid()) as sent, length(?::text) as big`,
            [big],
            probe.extend({ big: z.number() }),
          );
          expect(inside).toMatchObject({ prepared: 1, big: big.length });
          // The parameter travelled apart from the text: the statement the server got is short.
          expect(inside!.sent).toBeLessThan(1_000);
          const [again] = await tx.execute<{ pid: string; at: string }[]>(`select pg_backend_pid()::text as pid, now()::text as at`);
          expect(again).toEqual({ pid: inside!.pid, at: inside!.at });
          throw new Error('abort');
        }),
      ),
    ).rejects.toThrow('abort');
    // begin, three statements, the probe through MikroORM's execute, rollback: every one counted.
    expect(tally.count).toBe(6);
    expect((await db.sql.query('select count(*)::int as n from sql_probe where id = 20')).rows[0].n).toBe(0);
  });

  it('outside a transaction uses the statement pool, with the connection settings of the ORM pool', async () => {
    const settings = z.object({ app: z.string(), statement: z.string(), lock: z.string(), idle: z.string(), question: z.string() });
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, DB_STATEMENT_TIMEOUT_MS: '4321', DB_LOCK_TIMEOUT_MS: '1234', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '5678' });
    const orm = await createOrm(serviceOrmOptions(config, db.url));
    try {
      const sql = `select current_setting('application_name') as app, current_setting('statement_timeout') as statement,
        current_setting('lock_timeout') as lock, current_setting('idle_in_transaction_session_timeout') as idle, '' as question`;
      const outside = await queryRows(orm.em.fork(), 'settingsOutside', sql, [], settings);
      const inside = await inTransaction(orm.em.fork(), (tx) => queryRows(tx, 'settingsInside', sql, [], settings));
      expect(outside).toEqual([{ app: 'training-subgraph', statement: '4321ms', lock: '1234ms', idle: '5678ms', question: '' }]);
      expect(inside).toEqual(outside);
    } finally {
      await orm.close();
    }
  });

  it('fails loudly, naming the statement, when a row does not match its schema or the parameters do not match the SQL', async () => {
    const em = db.orm.em.fork();
    await expect(queryRows(em, 'badRow', `select 'x' as id, 'l' as label, '' as question`, [], row)).rejects.toThrow(/^badRow: row 0 does not match its schema/);
    await expect(execute(em, 'badCount', 'insert into sql_probe (id, label) values (?, ?)', [99])).rejects.toThrow('badCount: 2 placeholder(s) in the SQL but 1 parameter(s)');
    expect((await db.sql.query('select count(*)::int as n from sql_probe where id = 99')).rows[0].n).toBe(0);
  });
});
