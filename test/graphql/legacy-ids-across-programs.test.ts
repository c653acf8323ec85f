import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { COMPLETE_SESSION, DELETE_WORKOUT, LOG_SET, MODIFY_PROGRAM, START_SESSION } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { insertTwoOldPrograms, TWO_OLD_PROGRAMS_HISTORY, twoOldProgramsIds } from '../support/two-old-programs.js';

/**
 * Regression: a user with two pre-Phase-1 programs whose blobs both use ids
 * "1", "2", "3" got `Workout:1` and `Exercise:1` for both programs (a
 * normalised cache merged two different workouts), and
 * `lastPerformance(exerciseIds: ["1"])` answered with whichever program was
 * trained last. Ids are now program-qualified where they leave the server,
 * every input takes them back, and history is matched per program — on the
 * legacy read path before the backfill and on the versioned one after it.
 */
const ids = twoOldProgramsIds('7a000000');
const { USER, A, B } = ids;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertTwoOldPrograms(db.sql, ids);
});
afterAll(async () => db.close());

async function withApp<T>(env: Record<string, string>, work: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp(env, db);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

const PROGRAM_IDS = `{ programs(first: 2) { id workouts { id exercises { id sets { id } } } schedule { workout { id } } } }`;
const LAST = `query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { id exerciseId performedAt sets { exerciseId weightKg } } }`;

const lastPerformance = async (app: TestApp, exerciseIds: string[]) => ok(await app.gql(LAST, { ids: exerciseIds }, USER)).lastPerformance;

/** Trains `workoutId` of `programId`, logging one set of `exerciseId`, and returns the session as read back. */
async function train(app: TestApp, programId: string, workoutId: string, exerciseId: string, startedAt: string, weightKg: number) {
  const session = ok(await app.gql(START_SESSION, { programId, workoutId, startedAt }, USER)).startSession;
  ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId, setNumber: 1, reps: 5, weightKg } }, USER));
  ok(await app.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: new Date(Date.parse(startedAt) + 3_600_000).toISOString() }, USER));
  return ok(await app.gql(`query ($id: ID!) { session(id: $id) { id workout { id } sets { exerciseId weightKg } } }`, { id: session.id }, USER)).session;
}

/** Both programs' ids: qualified by program, none shared (sets' ids are built from their exercise's). */
async function expectDistinctIds(app: TestApp) {
  const programs = ok(await app.gql(PROGRAM_IDS, {}, USER)).programs;
  const byId = Object.fromEntries(programs.map((p: any) => [p.id, p]));
  expect(byId[A].workouts.map((w: any) => w.id)).toEqual([`${A}:1`, `${A}:2`]);
  expect(byId[B].workouts.map((w: any) => w.id)).toEqual([`${B}:1`, `${B}:2`]);
  expect(byId[A].workouts.flatMap((w: any) => w.exercises.map((e: any) => e.id))).toEqual([`${A}:1`, `${A}:2`, `${A}:3`]);
  expect(byId[B].schedule.map((s: any) => s.workout.id)).toEqual([`${B}:1`, `${B}:2`]);
  const workouts = programs.flatMap((p: any) => p.workouts);
  const exercises = workouts.flatMap((w: any) => w.exercises);
  const sets = exercises.flatMap((e: any) => e.sets);
  for (const objects of [workouts, exercises, sets]) expect(new Set(objects.map((o: any) => o.id)).size).toBe(objects.length);
}

describe('two old programs sharing legacy ids', () => {
  it('phase 1 (legacy reads): distinct ids per program, last performance per program, every input takes the exposed ids', async () => {
    await withApp({}, async (app) => {
      await expectDistinctIds(app);

      // History logged by the old app against raw ids, matched per program.
      const [a, b] = await lastPerformance(app, [`${A}:1`, `${B}:1`]);
      expect(a).toMatchObject({ exerciseId: `${A}:1`, performedAt: TWO_OLD_PROGRAMS_HISTORY.a.startedAt, sets: [{ exerciseId: `${A}:1`, weightKg: 100 }] });
      expect(b).toMatchObject({ exerciseId: `${B}:1`, performedAt: TWO_OLD_PROGRAMS_HISTORY.b.startedAt, sets: [{ exerciseId: `${B}:1`, weightKg: 40 }] });
      expect(a.id).not.toBe(b.id);

      // Unqualified, a legacy id names history logged outside any program, never either program's.
      expect(await lastPerformance(app, ['1'])).toEqual([null]);

      // startSession and logSet take the exposed ids; the session's workout and sets show them.
      const session = await train(app, A, `${A}:1`, `${A}:2`, '2026-11-05T07:00:00Z', 62.5);
      expect(session).toMatchObject({ workout: { id: `${A}:1` }, sets: [{ exerciseId: `${A}:2`, weightKg: 62.5 }] });
      expect((await lastPerformance(app, [`${A}:2`, `${B}:2`])).map((p: any) => p?.sets[0].weightKg ?? null)).toEqual([62.5, null]);
      // The stored rows keep the ids history always had.
      const { rows } = await db.sql.query('select s.workout_id, st.exercise_id from workout_sessions s join workout_session_sets st on st.session_id = s.id where s.id = $1', [session.id]);
      expect(rows).toEqual([{ workout_id: '1', exercise_id: '2' }]);

      // Another program's id is unknown in this one.
      const wrongWorkout = await app.gql(START_SESSION, { programId: A, workoutId: `${B}:1` }, USER);
      expect(wrongWorkout.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const open = ok(await app.gql(START_SESSION, { programId: A, workoutId: `${A}:2`, startedAt: '2026-11-06T07:00:00Z' }, USER)).startSession;
      const wrongExercise = await app.gql(LOG_SET, { sessionId: open.id, input: { exerciseId: `${B}:3`, setNumber: 1, reps: 5 } }, USER);
      expect(wrongExercise.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // Within a program the stored id as sent is not ambiguous, and still accepted.
      ok(await app.gql(LOG_SET, { sessionId: open.id, input: { exerciseId: '3', setNumber: 1, reps: 5 } }, USER));
      ok(await app.gql(COMPLETE_SESSION, { sessionId: open.id, completedAt: '2026-11-06T08:00:00Z' }, USER));
    });
  });

  it('phase 1: an edit sending back the ids it was given keeps them; deleteWorkout takes an exposed id', async () => {
    await withApp({}, async (app) => {
      const program = ok(await app.gql(`query ($id: ID!) { program(id: $id) { name workouts { id name exercises { id name notes sets { reps repsMax weightKg restSeconds } } } schedule { dayOfWeek workout { id } } } }`, { id: B }, USER)).program;
      const input = {
        name: program.name,
        workouts: program.workouts.map((w: any, i: number) => ({ id: w.id, name: i === 0 ? 'Day 1 (renamed)' : w.name, exercises: w.exercises })),
        schedule: program.schedule.map((s: any) => ({ dayOfWeek: s.dayOfWeek, workoutIndex: program.workouts.findIndex((w: any) => w.id === s.workout.id) })),
      };
      const edited = ok(await app.gql(MODIFY_PROGRAM, { id: B, input, source: 'AI' }, USER)).modifyProgram;
      expect(edited.workouts.map((w: any) => [w.id, w.name])).toEqual([[`${B}:1`, 'Day 1 (renamed)'], [`${B}:2`, 'Day 2']]);
      expect(edited.workouts.flatMap((w: any) => w.exercises.map((e: any) => e.id))).toEqual([`${B}:1`, `${B}:2`, `${B}:3`]);

      const wrong = await app.gql(DELETE_WORKOUT, { programId: B, workoutId: `${A}:2` }, USER);
      expect(wrong.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const deleted = ok(await app.gql(DELETE_WORKOUT, { programId: B, workoutId: `${B}:2` }, USER)).deleteWorkout;
      expect(deleted.workouts.map((w: any) => w.id)).toEqual([`${B}:1`]);
      // Program A still has its workout "2".
      expect(ok(await app.gql(`query ($id: ID!) { program(id: $id) { workouts { id } } }`, { id: A }, USER)).program.workouts).toEqual([{ id: `${A}:1` }, { id: `${A}:2` }]);
      // B's history still answers for B's exercise "1", however the edit stored it.
      expect((await lastPerformance(app, [`${B}:1`]))[0].sets).toEqual([{ exerciseId: `${B}:1`, weightKg: 40 }]);
    });
  });

  it('phase 4 after the backfill (versioned reads): the same ids, history before and after the backfill matched per program', async () => {
    await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 50 });
    const flags = { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' };
    await withApp(flags, async (app) => {
      const programs = ok(await app.gql(PROGRAM_IDS, {}, USER)).programs;
      const a = programs.find((p: any) => p.id === A);
      expect(a.workouts.map((w: any) => w.id)).toEqual([`${A}:1`, `${A}:2`]);
      expect(programs.find((p: any) => p.id === B).workouts.map((w: any) => w.id)).toEqual([`${B}:1`]);
      const before = await lastPerformance(app, [`${A}:1`, `${B}:1`, `${A}:2`]);
      expect(before.map((p: any) => p.sets)).toEqual([
        [{ exerciseId: `${A}:1`, weightKg: 100 }],
        [{ exerciseId: `${B}:1`, weightKg: 40 }],
        [{ exerciseId: `${A}:2`, weightKg: 62.5 }],
      ]);

      // Logged after the backfill (linked to version rows): still per program.
      const session = await train(app, B, `${B}:1`, `${B}:1`, '2026-11-10T07:00:00Z', 45);
      expect(session).toMatchObject({ workout: { id: `${B}:1` }, sets: [{ exerciseId: `${B}:1`, weightKg: 45 }] });
      expect((await lastPerformance(app, [`${A}:1`, `${B}:1`])).map((p: any) => p.sets[0].weightKg)).toEqual([100, 45]);

      // Version snapshots and changes name items by the same exposed ids.
      const versions = ok(
        await app.gql(`query ($id: ID!) { program(id: $id) { versions(first: 1) { id workouts { id workoutId exercises { id exerciseId } } changes { workoutsAdded { workoutId } } } } }`, { id: B }, USER),
      ).program.versions;
      const [latest] = versions;
      expect(latest.workouts.map((w: any) => [w.id, w.workoutId])).toEqual([[`${latest.id}/${B}:1`, `${B}:1`]]);
      expect(latest.workouts[0].exercises.map((e: any) => e.exerciseId)).toEqual([`${B}:1`, `${B}:2`]);
      expect(latest.changes.workoutsAdded).toEqual([{ workoutId: `${B}:1` }]);
    });
    // The legacy path reads the same data with the same ids and answers.
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, async (app) => {
      expect((await lastPerformance(app, [`${A}:1`, `${B}:1`])).map((p: any) => p.sets[0].weightKg)).toEqual([100, 45]);
      const calendar = ok(await app.gql(`{ calendar(from: "2026-11-02", to: "2026-11-02") { scheduled { id } } }`, {}, USER)).calendar;
      expect(calendar[0].scheduled).toEqual([{ id: `${A}:1` }]);
    });
  });
});
