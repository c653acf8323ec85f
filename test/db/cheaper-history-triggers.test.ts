import { historyRowIds, insertHistoryRows } from '../support/history-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * The history triggers at the price the backfill can pay (it fills a version
 * reference on every session and set): the fill-only guard decides most rows
 * without a query, and the set trigger's watermark move looks up each changed
 * session once. What they accept, refuse and move must not change.
 */

let db: TestDatabase;
const ids = historyRowIds('41000000');
const { USER, SESSION, SET } = ids;
const SESSIONS = 20;
const SETS_PER_SESSION = 15;
const OTHER_SESSIONS = 5000;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertHistoryRows(db.sql, ids, { completed: true });
  // A column added after the guard was written, holding values with nested nulls and arrays.
  await db.sql.query(`alter table workout_session_sets add column extra jsonb`);
  // Completed sessions of another user with unlinked sets, as the backfill finds them.
  await db.sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at)
     select md5('s' || i)::uuid, '41000000-0000-4000-8000-000000000002', null, 'w', 'W', now(), now() from generate_series(1, $1::int) i`,
    [SESSIONS],
  );
  await db.sql.query(
    `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps)
     select md5('t' || i || '-' || j)::uuid, md5('s' || i)::uuid, '41000000-0000-4000-8000-000000000002', 'e', 'E', j, 5
     from generate_series(1, $1::int) i, generate_series(1, $2::int) j`,
    [SESSIONS, SETS_PER_SESSION],
  );
  // Everyone else's history: a batch's sessions are a small part of the table.
  await db.sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at)
     select md5('other' || i)::uuid, md5('user' || (i % 100))::uuid, null, 'w', 'W', now(), now() from generate_series(1, $1::int) i`,
    [OTHER_SESSIONS],
  );
  await db.sql.query('analyze workout_sessions, workout_session_sets');
});
afterAll(async () => db.close());

const refused = (sql: string, params: unknown[], pattern: RegExp) => expect(db.sql.query(sql, params)).rejects.toThrow(pattern);
const extraOfSet = async () => (await db.sql.query(`select extra from workout_session_sets where id = $1`, [SET])).rows[0]?.extra;

describe('the fill-only guard decides as before', () => {
  it('accepts filling NULL columns, including a value with nested nulls, and later fills beside it', async () => {
    await db.sql.query(`update workout_session_sets set extra = '{"a": null, "b": [1, null]}' where id = $1`, [SET]);
    await db.sql.query(`update workout_session_sets set rpe = 8 where id = $1`, [SET]);
    await db.sql.query(`update workout_session_sets set weight_kg = 100 where id = $1`, [SET]);
    expect(await extraOfSet()).toEqual({ a: null, b: [1, null] });
  });

  it('refuses a change inside a set value, even one that only drops nested nulls or grows an array', async () => {
    await refused(`update workout_session_sets set extra = '{"b": [1, null]}' where id = $1`, [SET], /column\(s\) extra already set/);
    await refused(`update workout_session_sets set extra = '{"a": null, "b": [1]}' where id = $1`, [SET], /column\(s\) extra already set/);
    await refused(`update workout_session_sets set extra = '{"a": null, "b": [1, null, 2]}' where id = $1`, [SET], /column\(s\) extra already set/);
    await refused(`update workout_session_sets set extra = '{"a": 1, "b": [1, null]}' where id = $1`, [SET], /column\(s\) extra already set/);
    await refused(`update workout_session_sets set extra = null, reps = 6 where id = $1`, [SET], /column\(s\) extra, reps already set/);
    expect(await extraOfSet()).toEqual({ a: null, b: [1, null] });
  });

  it('refuses changing a set scalar column of a session, naming it', async () => {
    await refused(`update workout_sessions set workout_name_snapshot = 'Renamed' where id = $1`, [SESSION], /workout_name_snapshot/);
    await refused(`update workout_sessions set user_id = $2 where id = $1`, [SESSION, '41000000-0000-4000-8000-000000000009'], /user_id/);
  });
});

describe("the set trigger's watermark move", () => {
  it('looks up each changed session once, and moves the watermark of the user whose completed history changed', async () => {
    const client = await db.sql.connect();
    try {
      await client.query('begin');
      const watermark = async (user: string) => (await client.query(`select watermark from history_watermarks where user_id = $1`, [user])).rows[0]?.watermark;
      const before = await watermark('41000000-0000-4000-8000-000000000002');
      // Session rows the statement read (sequentially or through an index), counted by the server for this transaction.
      const scans = async () =>
        Number((await client.query(`select pg_stat_get_xact_tuples_returned('workout_sessions'::regclass) + pg_stat_get_xact_tuples_fetched('workout_sessions'::regclass) as n`)).rows[0].n);
      const scansBefore = await scans();
      const linked = await client.query(`update workout_session_sets set rpe = 7 where user_id = '41000000-0000-4000-8000-000000000002' and rpe is null`);
      expect(linked.rowCount).toBe(SESSIONS * SETS_PER_SESSION);
      // The batch's 20 sessions, not the whole table (Migration0010's join read all 5,021 session rows per statement).
      expect((await scans()) - scansBefore).toBeLessThanOrEqual(SESSIONS * 2);
      expect(BigInt(await watermark('41000000-0000-4000-8000-000000000002'))).toBeGreaterThan(BigInt(before));
      await client.query('rollback');
    } finally {
      client.release();
    }
  });

  it('moves only the users of completed sessions', async () => {
    const open = '41000000-0000-4000-8000-0000000000e9';
    await db.sql.query(`insert into workout_sessions (id, user_id, program_id, workout_id, started_at) values ($1, '41000000-0000-4000-8000-000000000003', null, 'w', now())`, [open]);
    await db.sql.query(`insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps) values ('41000000-0000-4000-8000-0000000000f9', $1, '41000000-0000-4000-8000-000000000003', 'e', 'E', 1, 5)`, [open]);
    const before = (await db.sql.query(`select user_id, watermark from history_watermarks order by user_id`)).rows;
    await db.sql.query(`update workout_session_sets set rpe = 9 where session_id = $1`, [open]);
    expect((await db.sql.query(`select user_id, watermark from history_watermarks order by user_id`)).rows).toEqual(before);
    await db.sql.query(`update workout_session_sets set completed_at = now() where id = $1`, [SET]);
    const after = (await db.sql.query(`select user_id, watermark from history_watermarks where user_id = $1`, [USER])).rows[0];
    expect(BigInt(after.watermark)).toBeGreaterThan(BigInt(before.find((r: { user_id: string }) => r.user_id === USER).watermark));
  });
});
