import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { storedId } from '../../src/domain/exposed-ids.js';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Last performances are kept by the process between requests, valid only at
 * the user's history watermark the request read from the primary with the
 * active program; the database moves the watermark with every change that
 * can alter a last performance, whoever makes it. Each test reads the workout
 * screen (filling the cache), changes history in one way, and reads again: the
 * second read must show the change, on both read paths.
 */
const SCREEN = `{ activeProgram { id workouts { id exercises { id lastPerformance {
  performedAt session { id programVersion { number } } sets { setNumber reps } } } } } }`;

let legacy: TestApp;
let versioned: TestApp;
beforeAll(async () => {
  legacy = await startTestApp();
  versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, legacy.db);
});
afterAll(async () => {
  await versioned.close();
  await legacy.close();
});

const apps = (): Record<string, TestApp> => ({ legacy, versioned });

async function athlete(app: TestApp, userId: string) {
  const program = ok(await app.gql(CREATE_PROGRAM, { input: upperLower() }, userId)).createProgram;
  ok(await app.gql(ACTIVATE_PROGRAM, { id: program.id }, userId));
  return { id: program.id as string, workout: program.workouts[0].id as string, exercise: program.workouts[0].exercises[0].id as string };
}

async function startWithSet(app: TestApp, userId: string, program: Awaited<ReturnType<typeof athlete>>, startedAt: string, reps: number) {
  const session = ok(await app.gql(START_SESSION, { programId: program.id, workoutId: program.workout, startedAt }, userId)).startSession;
  ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: program.exercise, setNumber: 1, reps } }, userId));
  return session.id as string;
}

async function screen(app: TestApp, userId: string) {
  const response = await app.gql(SCREEN, {}, userId);
  return { last: ok(response).activeProgram.workouts[0].exercises[0].lastPerformance, statements: response.statements };
}

describe.each(['legacy', 'versioned'])('last performance kept between requests, %s read path', (path) => {
  const user = path === 'legacy' ? '20000000-0000-4000-8000-000000000001' : '20000000-0000-4000-8000-000000000002';

  it('is served again without a statement, stays while sets are logged into an open session, and moves on when it is completed', async () => {
    const app = apps()[path]!;
    const program = await athlete(app, user);
    const first = await startWithSet(app, user, program, '2026-11-02T07:00:00Z', 5);
    ok(await app.gql(COMPLETE_SESSION, { sessionId: first, completedAt: '2026-11-02T08:00:00Z' }, user));

    const read = await screen(app, user);
    expect(read.last).toMatchObject({ session: { id: first }, sets: [{ setNumber: 1, reps: 5 }] });
    const again = await screen(app, user);
    expect(again).toEqual({ last: read.last, statements: 1 });

    // A set in a session still open does not count: the kept answer stays valid.
    const second = await startWithSet(app, user, program, '2026-11-05T07:00:00Z', 6);
    expect(await screen(app, user)).toEqual({ last: read.last, statements: 1 });

    ok(await app.gql(COMPLETE_SESSION, { sessionId: second, completedAt: '2026-11-05T08:00:00Z' }, user));
    const completed = await screen(app, user);
    expect(completed.last).toMatchObject({ performedAt: '2026-11-05T07:00:00.000Z', session: { id: second }, sets: [{ setNumber: 1, reps: 6 }] });
    expect(completed.statements).toBe(2);
  });

  it('shows history another process wrote straight to the database: a completed session imported, a set added to a completed session', async () => {
    const app = apps()[path]!;
    const other = path === 'legacy' ? '20000000-0000-4000-8000-000000000011' : '20000000-0000-4000-8000-000000000012';
    const program = await athlete(app, other);
    const first = await startWithSet(app, other, program, '2026-11-02T07:00:00Z', 5);
    ok(await app.gql(COMPLETE_SESSION, { sessionId: first, completedAt: '2026-11-02T08:00:00Z' }, other));
    expect((await screen(app, other)).last).toMatchObject({ session: { id: first } });
    expect((await screen(app, other)).statements).toBe(1);

    const exerciseId = storedId(program.id, program.exercise);
    await legacy.db.sql.query(
      `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps) values (gen_random_uuid(), $1, $2, $3, 'Bench Press', 2, 7)`,
      [first, other, exerciseId],
    );
    expect((await screen(app, other)).last).toMatchObject({ session: { id: first }, sets: [{ setNumber: 1, reps: 5 }, { setNumber: 2, reps: 7 }] });

    const imported = path === 'legacy' ? '20000000-0000-4000-8000-0000000000f1' : '20000000-0000-4000-8000-0000000000f2';
    await legacy.db.sql.query(
      `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at)
       values ($1, $2, $3, $4, 'Upper A', '2026-11-09T07:00:00Z', '2026-11-09T08:00:00Z')`,
      [imported, other, program.id, storedId(program.id, program.workout)],
    );
    await legacy.db.sql.query(
      `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps) values (gen_random_uuid(), $1, $2, $3, 'Bench Press', 1, 9)`,
      [imported, other, exerciseId],
    );
    const after = await screen(app, other);
    expect(after.last).toMatchObject({ performedAt: '2026-11-09T07:00:00.000Z', session: { id: imported }, sets: [{ setNumber: 1, reps: 9 }] });
    expect(after.last).toEqual((await screen(path === 'legacy' ? versioned : legacy, other)).last);
  });
});

describe("the backfill's links", () => {
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

  it('show at once on the versioned path: the session of a last performance read before the backfill gets its version', async () => {
    const user = '20000000-0000-4000-8000-000000000021';
    const program = await athlete(phase1, user);
    const session = await startWithSet(phase1, user, program, '2026-11-02T07:00:00Z', 5);
    ok(await phase1.gql(COMPLETE_SESSION, { sessionId: session, completedAt: '2026-11-02T08:00:00Z' }, user));
    expect((await screen(phase4, user)).last).toMatchObject({ session: { id: session, programVersion: null } });
    expect((await screen(phase4, user)).statements).toBe(1);

    await runBackfill(phase1.db.orm, { url: phase1.db.url, dryRun: false, batchSize: 500 });
    expect((await screen(phase4, user)).last).toMatchObject({ session: { id: session, programVersion: { number: 1 } }, sets: [{ setNumber: 1, reps: 5 }] });
  });
});
