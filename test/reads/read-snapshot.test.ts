import { z } from 'zod';
import { queryRows } from '../../src/db/sql.js';
import { inReadSnapshot, readPathPair } from '../../src/reads/read-snapshot.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * What makes a comparison of the two read paths trustworthy: every statement
 * of both paths runs on the snapshot's own connection, in one REPEATABLE READ
 * READ ONLY transaction, so a write committed meanwhile is seen by neither.
 */

let db: TestDatabase;
const USER = '75000000-0000-4000-8000-000000000001';
const PROGRAM = '75000000-0000-4000-8000-0000000000aa';

beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql.query(`insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'Before', true, $3)`, [
    PROGRAM,
    USER,
    JSON.stringify({ workouts: [{ id: 'w1', name: 'Push', exercises: [{ id: 'e1', name: 'Bench', sets: [{ reps: 5, restSeconds: 90 }] }] }], schedule: [] }),
  ]);
});
afterAll(async () => db.close());

describe('inReadSnapshot', () => {
  it('runs a read-only REPEATABLE READ transaction with the statement timeout asked for', async () => {
    const settings = await inReadSnapshot(
      db.orm.em,
      (tx) =>
        queryRows(
          tx,
          'snapshotSettings',
          `select current_setting('transaction_isolation') as isolation, current_setting('transaction_read_only') as read_only, current_setting('statement_timeout') as timeout`,
          [],
          z.object({ isolation: z.string(), read_only: z.string(), timeout: z.string() }),
        ),
      { statementTimeoutMs: 1500 },
    );
    expect(settings).toEqual([{ isolation: 'repeatable read', read_only: 'on', timeout: '1500ms' }]);
  });

  it("keeps both read paths on the snapshot: a rename committed between two reads is seen by neither", async () => {
    const names = await inReadSnapshot(db.orm.em, async (tx) => {
      const { legacy, versioned } = readPathPair(tx, USER);
      const first = (await legacy.program(PROGRAM))?.name;
      await db.sql.query(`update programs set name = 'After' where id = $1`, [PROGRAM]);
      legacy.forget();
      return [first, (await legacy.program(PROGRAM))?.name, (await versioned.program(PROGRAM))?.name];
    });
    expect(names).toEqual(['Before', 'Before', 'Before']);
    const after = await inReadSnapshot(db.orm.em, (tx) => readPathPair(tx, USER).versioned.program(PROGRAM));
    expect(after?.name).toBe('After');
  });
});
