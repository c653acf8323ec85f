import { historyRowIds, insertHistoryRows } from '../support/history-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
const { USER, PROGRAM, VERSION, WORKOUT_VERSION, EXERCISE_VERSION, SESSION, SET } = historyRowIds('40000000');

beforeAll(async () => {
  db = await createTestDatabase();
  await insertHistoryRows(db.sql, historyRowIds('40000000'), { completed: false });
});
afterAll(async () => db.close());

const refused = (sql: string, params: unknown[] = [], pattern: RegExp = /immutable|never deleted|append-only/) =>
  expect(db.sql.query(sql, params)).rejects.toThrow(pattern);

describe('version rows are immutable', () => {
  it.each([
    ['program_versions', `update program_versions set name = 'X'`, `delete from program_versions`],
    ['program_version_workouts', `update program_version_workouts set name = 'X'`, `delete from program_version_workouts`],
    ['program_version_exercises', `update program_version_exercises set notes = 'X'`, `delete from program_version_exercises`],
    ['program_version_schedule', `update program_version_schedule set day_of_week = 3`, `delete from program_version_schedule`],
  ])('refuses UPDATE, DELETE and TRUNCATE on %s', async (table, update, remove) => {
    await refused(update, [], /immutable/);
    await refused(remove, [], /immutable/);
    await refused(`truncate ${table} cascade`, [], /immutable/);
  });
});

describe('history rows are append-only', () => {
  it('refuses deleting or truncating sessions and sets', async () => {
    await refused(`delete from workout_session_sets where id = $1`, [SET], /never deleted/);
    await refused(`delete from workout_sessions where id = $1`, [SESSION], /never deleted/);
    await refused(`truncate workout_session_sets`, [], /never deleted/);
    await refused(`truncate workout_sessions cascade`, [], /never deleted/);
  });

  it('allows filling a NULL column once, and refuses changing or clearing a set one', async () => {
    await db.sql.query(`update workout_sessions set workout_name_snapshot = 'W', program_version_id = $2, workout_version_id = $3 where id = $1`, [SESSION, VERSION, WORKOUT_VERSION]);
    await refused(`update workout_sessions set workout_name_snapshot = 'Renamed' where id = $1`, [SESSION], /workout_name_snapshot/);
    await refused(`update workout_sessions set started_at = started_at - interval '1 day' where id = $1`, [SESSION], /started_at/);
    await refused(`update workout_sessions set program_version_id = null, workout_version_id = null where id = $1`, [SESSION], /program_version_id/);
    await db.sql.query(`update workout_sessions set completed_at = now() where id = $1`, [SESSION]);
    await refused(`update workout_sessions set completed_at = now() + interval '1 hour' where id = $1`, [SESSION], /completed_at/);
    await db.sql.query(`update workout_session_sets set exercise_version_id = $2 where id = $1`, [SET, EXERCISE_VERSION]);
    await refused(`update workout_session_sets set reps = 6 where id = $1`, [SET], /reps/);
    await refused(`update workout_session_sets set exercise_name = 'Renamed' where id = $1`, [SET], /exercise_name/);
    const { rows } = await db.sql.query(`select reps, exercise_name from workout_session_sets where id = $1`, [SET]);
    expect(rows).toEqual([{ reps: 5, exercise_name: 'E' }]);
  });

  it('keeps a schedule entry inside its own version (composite foreign key)', async () => {
    const other = '40000000-0000-4000-8000-0000000000b2';
    await db.sql.query(
      `insert into program_versions (id, program_id, user_id, version_number, parent_version_id, source, name, content_hash) values ($1, $2, $3, 2, $4, 'USER', 'P', 'h2')`,
      [other, PROGRAM, USER, VERSION],
    );
    await expect(
      db.sql.query(`insert into program_version_schedule (program_version_id, user_id, position, day_of_week, program_version_workout_id) values ($1, $2, 0, 1, $3)`, [
        other,
        USER,
        WORKOUT_VERSION,
      ]),
    ).rejects.toThrow(/program_version_schedule_workout_fk/);
    await expect(
      db.sql.query(`insert into program_versions (id, program_id, user_id, version_number, parent_version_id, source, name, content_hash) values (gen_random_uuid(), $1, $2, 2, $3, 'USER', 'P', 'h3')`, [
        PROGRAM,
        USER,
        VERSION,
      ]),
    ).rejects.toThrow(/program_versions_number_unique/);
  });
});
