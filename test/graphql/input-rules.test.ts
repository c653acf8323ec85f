import { COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

/**
 * Inputs are validated to what is stored: a value the database would store
 * differently (a rounded weight, a rolled-over date) or that displays as
 * something other than what it holds (control and bidirectional characters in
 * a name) is refused as BAD_USER_INPUT, with the path of every violation, and
 * nothing is written. It is never silently changed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const USER = '75000000-0000-4000-8000-000000000001';

function violations(response: GraphQLResponse): string[] {
  expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return (response.errors?.[0]?.extensions?.violations ?? []).map((v: { path: string; code: string }) => `${v.path} ${v.code}`);
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await t.db.sql.query(`select count(*)::int as n from ${sql}`, params);
  return rows[0].n;
}

describe('program input', () => {
  it('refuses control and bidi characters in names and weights with more than two decimals, all at once, writing nothing', async () => {
    const input = upperLower('Push\u202Eyad');
    input.workouts[0]!.name = 'Upper\u0007A';
    input.workouts[1]!.exercises[0]!.name = 'Back\u200FSquat';
    (input.workouts[0]!.exercises[0]! as { notes?: string }).notes = 'pause\u2066 on chest';
    input.workouts[0]!.exercises[1]!.sets[2]!.weightKg = 0.001;
    input.workouts[1]!.exercises[1]!.sets[0]!.weightKg = 80.125;
    const refused = await t.gql(CREATE_PROGRAM, { input }, USER);
    expect(violations(refused)).toEqual([
      'name FORBIDDEN_CHARACTER',
      'workouts.0.name FORBIDDEN_CHARACTER',
      'workouts.0.exercises.0.notes FORBIDDEN_CHARACTER',
      'workouts.0.exercises.1.sets.2.weightKg TOO_MANY_DECIMALS',
      'workouts.1.exercises.0.name FORBIDDEN_CHARACTER',
      'workouts.1.exercises.1.sets.0.weightKg TOO_MANY_DECIMALS',
    ]);
    expect(await count('programs where user_id = $1', [USER])).toBe(0);
  });

  it('keeps line breaks in notes and two-decimal weights exactly as sent', async () => {
    const input = upperLower('Exact');
    (input.workouts[0]!.exercises[0]! as { notes?: string }).notes = 'Pause on chest.\nDrive up.';
    input.workouts[0]!.exercises[0]!.sets[0]!.weightKg = 61.25;
    const created = ok(await t.gql(CREATE_PROGRAM, { input }, USER)).createProgram;
    const bench = created.workouts[0].exercises[0];
    expect(bench.notes).toBe('Pause on chest.\nDrive up.');
    expect(bench.sets[0].weightKg).toBe(61.25);
  });

  it('refuses a modification with a weight of 0.001 kg instead of storing 0, and leaves the program as it was', async () => {
    const created = ok(await t.gql(CREATE_PROGRAM, { input: upperLower('Before') }, USER)).createProgram;
    const input = upperLower('After');
    input.workouts[0]!.exercises[0]!.sets[0]!.weightKg = 0.001;
    expect(violations(await t.gql(MODIFY_PROGRAM, { id: created.id, input }, USER))).toEqual(['workouts.0.exercises.0.sets.0.weightKg TOO_MANY_DECIMALS']);
    const { program } = ok(await t.gql(`query ($id: ID!) { program(id: $id) { name workouts { exercises { sets { weightKg } } } } }`, { id: created.id }, USER));
    expect(program.name).toBe('Before');
    expect(program.workouts[0].exercises[0].sets[0].weightKg).toBe(60);
  });
});

describe('logged sets', () => {
  it('refuses rpe 7.3 and weightKg 0.001 with their paths, writing nothing; stores 7.5 and 62.25 exactly', async () => {
    const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() }, USER)).createProgram;
    const session = ok(await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id }, USER)).startSession;
    const exerciseId = program.workouts[0].exercises[0].id;
    expect(violations(await t.gql(LOG_SET, { sessionId: session.id, input: { exerciseId, setNumber: 1, reps: 8, rpe: 7.3 } }, USER))).toEqual([
      'input.rpe RPE_NOT_HALF_STEP',
    ]);
    expect(violations(await t.gql(LOG_SET, { sessionId: session.id, input: { exerciseId, setNumber: 1, reps: 8, weightKg: 0.001, rpe: 0 } }, USER))).toEqual([
      'input.weightKg TOO_MANY_DECIMALS',
      'input.rpe OUT_OF_RANGE',
    ]);
    expect(await count('workout_session_sets where session_id = $1', [session.id])).toBe(0);
    const logged = ok(await t.gql(LOG_SET, { sessionId: session.id, input: { exerciseId, setNumber: 1, reps: 8, weightKg: 62.25, rpe: 7.5 } }, USER)).logSet;
    expect(logged.sets).toEqual([expect.objectContaining({ weightKg: 62.25, rpe: 7.5 })]);
  });
});

describe('dates', () => {
  const IMPOSSIBLE = ['2026-02-30T00:00:00Z', '2026-04-31T10:00:00Z', '2025-02-29T10:00:00Z', '2026-11-24T24:00:00Z', '2026-11-24T07:60:00Z', '2026-11-24T07:30:60Z', '2026-11-24T07:30:00+24:00', '2026-13-01T07:30:00Z'];

  it.each(IMPOSSIBLE)('refuses startedAt %s instead of rolling it over, writing nothing', async (startedAt) => {
    const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() }, USER)).createProgram;
    const variable = await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id, startedAt }, USER);
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const literal = await t.gql(`mutation { startSession(programId: "${program.id}", workoutId: "${program.workouts[0].id}", startedAt: "${startedAt}") { id } }`, {}, USER);
    // In the document itself it is an invalid document (graphql-js's validation), refused before anything runs.
    expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(literal.errors?.[0]?.extensions?.code);
    expect(await count('workout_sessions where program_id = $1', [program.id])).toBe(0);
  });

  it('refuses an impossible completedAt, and keeps a real leap day and offsets as sent', async () => {
    const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() }, USER)).createProgram;
    const session = ok(await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id, startedAt: '2024-02-29T23:30:00+01:00' }, USER)).startSession;
    expect(session.startedAt).toBe('2024-02-29T22:30:00.000Z');
    expect((await t.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: '2024-02-30T00:10:00Z' }, USER)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count('workout_sessions where id = $1 and completed_at is null', [session.id])).toBe(1);
  });

  it('refuses a calendar day that does not exist', async () => {
    const response = await t.gql(`query ($from: Date!) { calendar(from: $from, to: "2026-03-05") { date } }`, { from: '2026-02-30' }, USER);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
