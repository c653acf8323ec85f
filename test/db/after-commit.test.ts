import { execute } from '../../src/db/sql.js';
import { afterCommit, inTransaction } from '../../src/db/transaction.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * `afterCommit`: what a write registers runs once its transaction is
 * committed — never before, never on a rollback. The version tree cache is
 * filled this way (src/writes/version-writes.ts): run early, it would serve
 * a tree whose rows may yet roll back.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql.query('create table commit_probe (id int primary key)');
  await db.sql.query('grant select, insert on commit_probe to training_runtime');
});
afterAll(async () => db.close());

/** Whether another connection sees the row: true only once it is committed. */
async function committed(id: number): Promise<boolean> {
  return (await db.sql.query('select 1 from commit_probe where id = $1', [id])).rowCount === 1;
}

describe('afterCommit', () => {
  it('runs a hook after the commit, when the write is visible to every other connection', async () => {
    const seen: boolean[] = [];
    await inTransaction(db.orm.em.fork(), async (tx) => {
      await execute(tx, 'insertCommitProbe', 'insert into commit_probe (id) values (?)', [1]);
      afterCommit(tx, () => seen.push(true));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([true]);
    expect(await committed(1)).toBe(true);
  });

  it('runs the hooks in order, each once, and not at all when the transaction rolls back', async () => {
    const ran: string[] = [];
    await inTransaction(db.orm.em.fork(), async (tx) => {
      afterCommit(tx, () => ran.push('a'));
      afterCommit(tx, () => ran.push('b'));
    });
    await expect(
      inTransaction(db.orm.em.fork(), async (tx) => {
        await execute(tx, 'insertCommitProbe', 'insert into commit_probe (id) values (?)', [2]);
        afterCommit(tx, () => ran.push('rolled back'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(ran).toEqual(['a', 'b']);
    expect(await committed(2)).toBe(false);
  });

  it('a nested transaction runs its hooks when the outermost commits, never if the outermost rolls back', async () => {
    const ran: string[] = [];
    await inTransaction(db.orm.em.fork(), async (outer) => {
      await inTransaction(outer, async (inner) => {
        await execute(inner, 'insertCommitProbe', 'insert into commit_probe (id) values (?)', [3]);
        afterCommit(inner, () => ran.push('inner'));
      });
      expect(ran).toEqual([]);
      expect(await committed(3)).toBe(false);
    });
    expect(ran).toEqual(['inner']);
    await expect(
      inTransaction(db.orm.em.fork(), async (outer) => {
        await inTransaction(outer, async (inner) => afterCommit(inner, () => ran.push('inner of a rollback')));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(ran).toEqual(['inner']);
  });

  it('outside a transaction runs at once; inside one not begun by inTransaction, never', async () => {
    const ran: string[] = [];
    afterCommit(db.orm.em.fork(), () => ran.push('now'));
    expect(ran).toEqual(['now']);
    await db.orm.em.fork().transactional(async (tx) => afterCommit(tx, () => ran.push('unmanaged')));
    expect(ran).toEqual(['now']);
  });
});
