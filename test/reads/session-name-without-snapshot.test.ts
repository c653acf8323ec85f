import { MODIFY_PROGRAM } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * A session logged before Phase 1 has no workout-name snapshot until the
 * backfill fills one in. Until then both read paths
 * name it after the workout the row points at in the program as it is now —
 * not after the version it was logged on, which the legacy path cannot know —
 * so the paths answer alike (shadow reads and verify compare names).
 */
let db: TestDatabase;
const USER = '72000000-0000-4000-8000-000000000001';
const PROGRAM = '72000000-0000-4000-8000-0000000000aa';
const SESSION = '72000000-0000-4000-8000-0000000000b1';
const blobWorkout = (name: string) => ({ id: 'w1', name, exercises: [{ id: 'bench', name: 'Bench Press', sets: [{ reps: 5, restSeconds: 120 }] }] });

beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql.query(`insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'P', true, $3)`, [
    PROGRAM,
    USER,
    JSON.stringify({ workouts: [blobWorkout('Push')], schedule: [] }),
  ]);
  await db.sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at)
     values ($1, $2, $3, 'w1', null, '2026-10-01T07:00:00Z')`,
    [SESSION, USER, PROGRAM],
  );
});
afterAll(async () => db.close());

it('a session without a name snapshot is named after its workout as the program is now, on both read paths', async () => {
  const legacy = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
  const versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, db);
  try {
    // The edit records version 1 from the blob ("Push") and version 2 ("Push Day").
    const input = {
      name: 'P',
      workouts: [{ id: `${PROGRAM}:w1`, name: 'Push Day', exercises: [{ id: `${PROGRAM}:bench`, name: 'Bench Press', sets: [{ reps: 5, restSeconds: 120 }] }] }],
      schedule: [],
    };
    ok(await legacy.gql(MODIFY_PROGRAM, { id: PROGRAM, input }, USER));

    const query = `query ($id: ID!) { session(id: $id) { workoutName } }`;
    expect(ok(await legacy.gql(query, { id: SESSION }, USER)).session).toEqual({ workoutName: 'Push Day' });
    expect(ok(await versioned.gql(query, { id: SESSION }, USER)).session).toEqual({ workoutName: 'Push Day' });
  } finally {
    await legacy.close();
    await versioned.close();
  }
});
