import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Versioned reads switched on before the backfill reached a user: the program
 * still shows its blob, and its exercises have no version rows yet. Their last
 * performance is found by the id the sets were logged under, exactly as on the
 * legacy path (it once compared the sets' missing link with an empty list of
 * version rows, which is false rather than unknown, and found nothing).
 */
const USER = '30000000-0000-4000-8000-000000000001';
const LAST_PERFORMANCE = `query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { exerciseId performedAt session { id } sets { setNumber reps } } }`;
const SCREEN = `{ activeProgram { workouts { exercises { id lastPerformance { performedAt sets { setNumber reps } } } } } }`;

let phase1: TestApp;
let phase4: TestApp;
beforeAll(async () => {
  phase1 = await startTestApp();
  phase4 = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, phase1.db);
});
afterAll(async () => {
  await phase4.close();
  await phase1.close();
});

it('the versioned path finds the last performance of a program the backfill has not reached, as the legacy path does', async () => {
  const program = ok(await phase1.gql(CREATE_PROGRAM, { input: upperLower() }, USER)).createProgram;
  ok(await phase1.gql(ACTIVATE_PROGRAM, { id: program.id }, USER));
  const upper = program.workouts[0];
  const session = ok(await phase1.gql(START_SESSION, { programId: program.id, workoutId: upper.id, startedAt: '2026-11-02T07:00:00Z' }, USER)).startSession;
  ok(await phase1.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: upper.exercises[0].id, setNumber: 1, reps: 5 } }, USER));
  ok(await phase1.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: '2026-11-02T08:00:00Z' }, USER));

  const ids = [upper.exercises[0].id, upper.exercises[1].id];
  const versioned = ok(await phase4.gql(LAST_PERFORMANCE, { ids }, USER)).lastPerformance;
  expect(versioned).toEqual([
    { exerciseId: upper.exercises[0].id, performedAt: '2026-11-02T07:00:00.000Z', session: { id: session.id }, sets: [{ setNumber: 1, reps: 5 }] },
    null,
  ]);
  expect(versioned).toEqual(ok(await phase1.gql(LAST_PERFORMANCE, { ids }, USER)).lastPerformance);
  expect(ok(await phase4.gql(SCREEN, {}, USER))).toEqual(ok(await phase1.gql(SCREEN, {}, USER)));
});
