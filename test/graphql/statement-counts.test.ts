import { versionTreeCache } from '../../src/store/version-tree-cache.js';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, START_SESSION, sizedProgram } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let versioned: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, t.db);
});
afterAll(async () => {
  await versioned.close();
  await t.close();
});

const FULL_TREE = `{ activeProgram { workouts { exercises { lastPerformance { sets { reps } } } } } }`;

/** A user with an active w×e program and one completed session logging every exercise of its first workout. */
async function userWithProgram(userId: string, w: number, e: number, app: TestApp = t) {
  const program = ok(await app.gql(CREATE_PROGRAM, { input: sizedProgram(w, e) }, userId)).createProgram;
  ok(await app.gql(ACTIVATE_PROGRAM, { id: program.id }, userId));
  const workout = program.workouts[0];
  const session = ok(await app.gql(START_SESSION, { programId: program.id, workoutId: workout.id }, userId)).startSession;
  for (const exercise of workout.exercises) {
    ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: exercise.id, setNumber: 1, reps: 5 } }, userId));
  }
  ok(await app.gql(COMPLETE_SESSION, { sessionId: session.id }, userId));
}

describe('SQL statements per operation', () => {
  it('reads the full tree with last performance in 2 statements, whatever the program size', async () => {
    await userWithProgram('10000000-0000-4000-8000-000000000001', 2, 3);
    await userWithProgram('10000000-0000-4000-8000-000000000002', 6, 8);
    const small = await t.gql(FULL_TREE, {}, '10000000-0000-4000-8000-000000000001');
    const large = await t.gql(FULL_TREE, {}, '10000000-0000-4000-8000-000000000002');
    expect(ok(small).activeProgram.workouts.flatMap((w: any) => w.exercises)).toHaveLength(6);
    expect(ok(large).activeProgram.workouts.flatMap((w: any) => w.exercises)).toHaveLength(48);
    expect(ok(large).activeProgram.workouts[0].exercises[0].lastPerformance.sets).toEqual([{ reps: 5 }]);
    // one for the active program, one for every lastPerformance of the request
    expect(small.statements).toBe(2);
    expect(large.statements).toBe(2);
  });

  it('reads the full tree again in 1 statement while the history is unchanged: the active program with the history watermark', async () => {
    const again = await t.gql(FULL_TREE, {}, '10000000-0000-4000-8000-000000000002');
    expect(ok(again).activeProgram.workouts[0].exercises[0].lastPerformance.sets).toEqual([{ reps: 5 }]);
    expect(again.statements).toBe(1);
  });

  it('reads a page of history with its sets in 2 statements', async () => {
    const page = await t.gql(`{ sessions(first: 20) { edges { node { workoutName sets { reps } } } } }`, {}, '10000000-0000-4000-8000-000000000002');
    expect(ok(page).sessions.edges).toHaveLength(1);
    expect(page.statements).toBe(2);
  });
});

describe('SQL statements per operation, versioned read path', () => {
  const USER = '10000000-0000-4000-8000-000000000003';
  const TREE = `{ activeProgram { id name workouts { id name exercises { id name sets { reps } lastPerformance { performedAt sets { setNumber reps } } } } schedule { dayOfWeek workout { id } } } }`;

  it('reads the whole tree in 1 statement once the version tree and the last performances are kept, with the legacy path\'s answer', async () => {
    await userWithProgram(USER, 6, 8, versioned); // WRITES on: the program has a version
    versionTreeCache.clear(); // as in a process that did not write the version
    const first = await versioned.gql(TREE, {}, USER);
    const cached = await versioned.gql(TREE, {}, USER);
    const legacy = await t.gql(TREE, {}, USER);
    // the active program row (with the history watermark), the version tree (read once per process: versions never
    // change), every lastPerformance (kept by the process while the watermark stays)
    expect(first.statements).toBe(3);
    expect(cached.statements).toBe(1);
    expect(ok(cached).activeProgram.workouts[0].exercises[0].lastPerformance.sets).toEqual([{ setNumber: 1, reps: 5 }]);
    expect(ok(cached).activeProgram.workouts[1].exercises[0].lastPerformance).toBeNull();
    expect(ok(cached)).toEqual(ok(legacy));
    expect(ok(first)).toEqual(ok(legacy));
  });
});
