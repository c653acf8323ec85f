import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, DELETE_WORKOUT, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { DEFAULT_USER, ok, OTHER_USER, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

async function createActive(name = 'Upper/Lower') {
  const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower(name) })).createProgram;
  ok(await t.gql(ACTIVATE_PROGRAM, { id: program.id }));
  return program;
}

async function logWorkout(programId: string, workout: any, startedAt: string, weight: number, complete = true) {
  const session = ok(await t.gql(START_SESSION, { programId, workoutId: workout.id, startedAt })).startSession;
  for (const exercise of workout.exercises) {
    for (const setNumber of [1, 2]) {
      ok(await t.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: exercise.id, setNumber, reps: 8, weightKg: weight, rpe: 8 } }));
    }
  }
  if (complete) ok(await t.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: new Date(Date.parse(startedAt) + 3_600_000).toISOString() }));
  return session;
}

describe('sessions keep their workout names', () => {
  it('stores the name snapshot at start, so history shows the name the workout had then', async () => {
    const program = await createActive();
    const upper = program.workouts[0];
    const session = await logWorkout(program.id, upper, '2026-01-05T07:00:00Z', 60);
    expect(session.workoutName).toBe('Upper A');
    const { rows } = await t.db.sql.query('select workout_name_snapshot from workout_sessions where id = $1', [session.id]);
    expect(rows[0].workout_name_snapshot).toBe('Upper A');
    const renamed = upperLower();
    renamed.workouts[0]!.name = 'Upper Heavy';
    ok(await t.gql(MODIFY_PROGRAM, { id: program.id, input: renamed }));
    ok(await t.gql(DELETE_WORKOUT, { programId: program.id, workoutId: upper.id }));
    const read = ok(await t.gql(`query ($id: ID!) { session(id: $id) { workoutName workout { id } sets { exerciseName reps weightKg } } }`, { id: session.id })).session;
    expect(read.workoutName).toBe('Upper A');
    expect(read.workout).toBeNull();
    expect(read.sets).toHaveLength(4);
  });

  it('derives a name for sessions logged before snapshots existed, from the workout the row points at', async () => {
    const program = await createActive();
    const lower = program.workouts[1];
    const id = 'c0c0c0c0-0000-4000-8000-000000000001';
    await t.db.sql.query(
      `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at) values ($1, $2, $3, $4, null, '2025-06-01T08:00:00Z')`,
      [id, DEFAULT_USER, program.id, lower.id],
    );
    const orphan = 'c0c0c0c0-0000-4000-8000-000000000002';
    await t.db.sql.query(
      `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at) values ($1, $2, $3, 'gone', null, '2025-06-02T08:00:00Z')`,
      [orphan, DEFAULT_USER, program.id],
    );
    const read = ok(await t.gql(`query ($a: ID!, $b: ID!) { a: session(id: $a) { workoutName } b: session(id: $b) { workoutName } }`, { a: id, b: orphan }));
    expect(read.a.workoutName).toBe('Lower A');
    expect(read.b.workoutName).toBe('Unnamed workout');
  });
});

describe('logging', () => {
  it('refuses a set for an exercise outside the program, a duplicate set, and sets after completion — writing nothing', async () => {
    const program = await createActive();
    const upper = program.workouts[0];
    const session = ok(await t.gql(START_SESSION, { programId: program.id, workoutId: upper.id })).startSession;
    const unknown = await t.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: 'nope', setNumber: 1, reps: 5 } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const input = { exerciseId: upper.exercises[0].id, setNumber: 1, reps: 5, weightKg: 60 };
    ok(await t.gql(LOG_SET, { sessionId: session.id, input }));
    const duplicate = await t.gql(LOG_SET, { sessionId: session.id, input: { ...input, reps: 99 } });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const bad = await t.gql(LOG_SET, { sessionId: session.id, input: { ...input, setNumber: 0, reps: -1, weightKg: 1e9, rpe: 11 } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.violations.map((v: any) => v.path).sort()).toEqual(['input.reps', 'input.rpe', 'input.setNumber', 'input.weightKg']);
    ok(await t.gql(COMPLETE_SESSION, { sessionId: session.id }));
    const late = await t.gql(LOG_SET, { sessionId: session.id, input: { ...input, setNumber: 2 } });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const again = await t.gql(COMPLETE_SESSION, { sessionId: session.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const { rows } = await t.db.sql.query('select reps from workout_session_sets where session_id = $1', [session.id]);
    expect(rows).toEqual([{ reps: 5 }]);
  });

  it("treats another user's sessions as not found for every session query and mutation", async () => {
    const program = await createActive();
    const session = ok(await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id })).startSession;
    const exerciseId = program.workouts[0].exercises[0].id;
    for (const [query, variables] of [
      [`query ($id: ID!) { session(id: $id) { id } }`, { id: session.id }],
      [LOG_SET, { sessionId: session.id, input: { exerciseId, setNumber: 1, reps: 1 } }],
      [COMPLETE_SESSION, { sessionId: session.id }],
      [START_SESSION, { programId: program.id, workoutId: program.workouts[0].id }],
    ] as const) {
      const response = await t.gql(query, variables, OTHER_USER);
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const theirs = ok(await t.gql(`{ sessions { edges { node { id } } } calendar(from: "2026-01-01", to: "2026-12-31") { sessions { id } } }`, {}, OTHER_USER));
    expect(theirs.sessions.edges).toEqual([]);
    expect(theirs.calendar.flatMap((d: any) => d.sessions)).toEqual([]);
    const perf = ok(await t.gql(`query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { exerciseId } }`, { ids: [exerciseId] }, OTHER_USER));
    expect(perf.lastPerformance).toEqual([null]);
    const { rows } = await t.db.sql.query(`select (select count(*)::int from workout_session_sets where session_id = s.id) as n, s.completed_at is not null as done
       from workout_sessions s where s.id = $1`, [session.id]);
    expect(rows[0]).toEqual({ n: 0, done: false });
  });
});

describe('last performance', () => {
  it('is the most recent completed session with a set of the exercise, in input order, null where none', async () => {
    const userId = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
    const as = (query: string, variables?: Record<string, unknown>) => t.gql(query, variables, userId);
    const program = ok(await as(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const upper = program.workouts[0];
    const gql = t.gql;
    t.gql = ((q: string, v?: Record<string, unknown>) => gql(q, v, userId)) as typeof t.gql;
    try {
      await logWorkout(program.id, upper, '2026-02-01T07:00:00Z', 60);
      await logWorkout(program.id, upper, '2026-02-08T07:00:00Z', 62.5);
      await logWorkout(program.id, upper, '2026-02-15T07:00:00Z', 65, false); // in progress: not a performance yet
    } finally {
      t.gql = gql;
    }
    const bench = upper.exercises[0].id;
    const result = ok(
      await as(`query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { exerciseId performedAt session { workoutName } sets { setNumber weightKg } } }`, {
        ids: ['unknown', bench],
      }),
    ).lastPerformance;
    expect(result[0]).toBeNull();
    expect(result[1]).toEqual({
      exerciseId: bench,
      performedAt: '2026-02-08T07:00:00.000Z',
      session: { workoutName: 'Upper A' },
      sets: [
        { setNumber: 1, weightKg: 62.5 },
        { setNumber: 2, weightKg: 62.5 },
      ],
    });
  });
});

describe('history pages and calendar', () => {
  it('pages sessions newest first with stable cursors', async () => {
    const userId = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
    const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() }, userId)).createProgram;
    const started = ['2026-03-01T07:00:00Z', '2026-03-03T07:00:00Z', '2026-03-02T07:00:00Z', '2026-03-05T07:00:00Z', '2026-03-04T07:00:00Z'];
    for (const at of started) ok(await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id, startedAt: at }, userId));
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(await t.gql(`query ($after: String) { sessions(first: 2, after: $after) { edges { cursor node { startedAt } } pageInfo { hasNextPage endCursor } } }`, { after }, userId)).sessions;
      seen.push(...page.edges.map((e: any) => e.node.startedAt));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...started].sort().reverse().map((s) => new Date(s).toISOString()));
    const bad = await t.gql(`{ sessions(after: "garbage") { edges { cursor } } }`, {}, userId);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await t.gql(`{ sessions(first: 1000) { edges { cursor } } }`, {}, userId);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lays out scheduled workouts and performed sessions per day, in a bounded number of statements', async () => {
    const userId = 'ffffffff-ffff-4fff-8fff-ffffffffffff';
    const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() }, userId)).createProgram;
    ok(await t.gql(ACTIVATE_PROGRAM, { id: program.id }, userId));
    ok(await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[1].id, startedAt: '2026-11-03T18:00:00Z' }, userId));
    const week = await t.gql(`{ calendar(from: "2026-11-02", to: "2026-11-08") { date scheduled { name } sessions { workoutName } } }`, {}, userId);
    expect(ok(week).calendar).toEqual([
      { date: '2026-11-02', scheduled: [{ name: 'Upper A' }], sessions: [] },
      { date: '2026-11-03', scheduled: [{ name: 'Lower A' }], sessions: [{ workoutName: 'Lower A' }] },
      { date: '2026-11-04', scheduled: [], sessions: [] },
      { date: '2026-11-05', scheduled: [{ name: 'Upper A' }], sessions: [] },
      { date: '2026-11-06', scheduled: [{ name: 'Lower A' }], sessions: [] },
      { date: '2026-11-07', scheduled: [], sessions: [] },
      { date: '2026-11-08', scheduled: [], sessions: [] },
    ]);
    const year = await t.gql(`{ calendar(from: "2026-01-01", to: "2026-12-31") { date scheduled { name } sessions { workoutName } } }`, {}, userId);
    expect(ok(year).calendar).toHaveLength(365);
    expect(year.statements).toBeLessThanOrEqual(week.statements);
    const tooLong = await t.gql(`{ calendar(from: "2026-01-01", to: "2027-01-02") { date } }`, {}, userId);
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reversed = await t.gql(`{ calendar(from: "2026-02-01", to: "2026-01-01") { date } }`, {}, userId);
    expect(reversed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const notADate = await t.gql(`{ calendar(from: "2026-02-30", to: "2026-03-01") { date } }`, {}, userId);
    expect(notADate.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});
