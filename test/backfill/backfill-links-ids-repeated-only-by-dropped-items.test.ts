import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { readLegacyBlob } from '../../src/domain/legacy-blob.js';
import { withFreshDatabase } from './fresh-database.js';

/*
 * Regression: an id a blob repeats only on an item the reader drops (a workout
 * without a name, an exercise with no readable set) is unique in what BOTH read
 * paths show — readLegacyBlob settles ids over the items it keeps — yet the
 * backfill's matcher takes its ambiguous ids from the raw blob
 * (duplicatedRawIds, src/domain/backfill/history-match.ts), counting dropped
 * items too. So history logged against that id — which Session.workout (and
 * last performance by logged id) resolve on both read paths — is reported
 * instead of linked: the session as WORKOUT_NOT_IN_PROGRAM ("was used by
 * several workouts of the blob"), the set as EXERCISE_NOT_IN_PROGRAM ("is not
 * in the program", though it is).
 */

const USER = '51000000-0000-4000-8000-000000000001';
const PROGRAM = '51000000-0000-4000-8000-0000000000a1';
const BY_WORKOUT_ID = '51000000-0000-4000-8000-0000000000e1';
const BY_WORKOUT_NAME = '51000000-0000-4000-8000-0000000000e2';
const SET_BY_EXERCISE_ID = '51000000-0000-4000-8000-0000000000f2';

const BLOB = {
  workouts: [
    {
      id: 'a',
      name: 'Push',
      exercises: [
        { id: 'x', name: 'Bench Press', sets: [{ reps: 5, restSeconds: 90 }] },
        { id: 'x', name: 'Old Fly', sets: 0 }, // dropped by the reader: no sets
      ],
    },
    { id: 'a', exercises: [] }, // dropped by the reader: no name
  ],
  schedule: [{ dayOfWeek: 0, workoutIndex: 0 }],
};

describe('backfill of ids repeated only by items the reader drops', () => {
  it('reads show workout "a" and exercise "x" as unique ids', () => {
    const read = readLegacyBlob(PROGRAM, BLOB);
    expect(read.ok && read.content.workouts.map((w) => [w.id, w.exercises.map((e) => e.id)])).toEqual([['a', ['x']]]);
  });

  it('links history by those ids, as reads resolve them', async () => {
    await withFreshDatabase(async (db) => {
      await db.sql.query(`insert into programs (id, user_id, name, program_json) values ($1, $2, 'P', $3)`, [PROGRAM, USER, JSON.stringify(BLOB)]);
      // Logged against workout "a" / exercise "x" under names that have changed since.
      await db.sql.query(
        `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at)
         values ($1, $3, $4, 'a', 'Chest Day', '2024-03-01T10:00:00Z'), ($2, $3, $4, null, 'Push', '2024-03-02T10:00:00Z')`,
        [BY_WORKOUT_ID, BY_WORKOUT_NAME, USER, PROGRAM],
      );
      await db.sql.query(
        `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps) values ($1, $2, $3, 'x', 'Flat Bench', 1, 5)`,
        [SET_BY_EXERCISE_ID, BY_WORKOUT_NAME, USER],
      );

      const outcome = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 5 });
      const { rows: items } = await db.sql.query('select kind, record_id, reason, detail from backfill_items where run_id = $1 order by kind', [outcome.runId]);
      const { rows: sessions } = await db.sql.query(
        `select s.id, w.workout_id from workout_sessions s left join program_version_workouts w on w.id = s.workout_version_id order by s.id`,
      );
      const { rows: sets } = await db.sql.query(
        `select st.id, e.exercise_id from workout_session_sets st left join program_version_exercises e on e.id = st.exercise_version_id`,
      );
      expect({ sessions, sets, items }).toEqual({
        sessions: [
          { id: BY_WORKOUT_ID, workout_id: 'a' },
          { id: BY_WORKOUT_NAME, workout_id: 'a' },
        ],
        sets: [{ id: SET_BY_EXERCISE_ID, exercise_id: 'x' }],
        items: [],
      });
    });
  });
});
