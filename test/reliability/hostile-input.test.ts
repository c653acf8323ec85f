import fc from 'fast-check';
import { CREATE_PROGRAM, DELETE_WORKOUT, LOG_SET, MODIFY_PROGRAM, START_SESSION, COMPLETE_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

/**
 * Property-based fuzzing of every mutation with arbitrary and adversarial
 * variables: never an internal error, every rejection a typed error, and the
 * database unchanged after each rejected call.
 */
let t: TestApp;
let program: any;
let sessionId: string;
const KNOWN_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FAILED_PRECONDITION', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);

beforeAll(async () => {
  t = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' });
  program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
  sessionId = ok(await t.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id })).startSession.id;
});
afterAll(async () => t.close());

async function fingerprint(): Promise<string> {
  const { rows } = await t.db.sql.query(`select md5(
    coalesce((select string_agg(p::text, '' order by id) from programs p), '') ||
    coalesce((select string_agg(v::text, '' order by id) from program_versions v), '') ||
    coalesce((select string_agg(s::text, '' order by id) from workout_sessions s), '') ||
    coalesce((select string_agg(st::text, '' order by id) from workout_session_sets st), '')) as sum`);
  return rows[0].sum;
}

/** What an error must not reveal: stack traces, SQL, driver internals. */
const INTERNALS = /stack|select |insert |update |knex|pg_/gi;

/** Every string in a value, keys included, lower-cased. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value.toLowerCase()];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k.toLowerCase(), ...stringsOf(v)]);
  return [];
}

/**
 * The internals an error reveals. graphql-js quotes a rejected variable value
 * back to the client (`Variable "$input" got invalid value { "": "pg_" }`):
 * text the client sent itself is not a leak, so a match found in the sent
 * variables does not count (fast-check generates such strings now and then).
 */
function internalsIn(error: unknown, sent: unknown): string[] {
  const echoed = stringsOf(sent);
  return [...JSON.stringify(error).matchAll(INTERNALS)].map((m) => m[0].toLowerCase()).filter((leak) => !echoed.some((s) => s.includes(leak)));
}

function expectTypedRejectionOrSuccess(response: GraphQLResponse, sent: Record<string, unknown>) {
  expect(response.status).toBeLessThan(500);
  for (const error of response.errors ?? []) {
    expect(KNOWN_CODES.has(error.extensions?.code)).toBe(true);
    expect(internalsIn(error, sent)).toEqual([]);
  }
}

async function hostile(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  const response = await t.gql(query, variables);
  expectTypedRejectionOrSuccess(response, variables);
  return response;
}

const adversarialString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '👩‍👩‍👧‍👦'.repeat(50), "'; drop table programs; --", 'x'.repeat(5000), '{"$ne":null}', '%s%n'),
);
const adversarialNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 2147483647, -2147483648, 2147483648, 1e308, -1e308, 0.5, -0.0001, Number.MAX_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const adversarialValue = fc.oneof(adversarialString, adversarialNumber, fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
const set = fc.record({ reps: adversarialNumber, repsMax: fc.option(adversarialNumber), weightKg: fc.option(adversarialNumber), restSeconds: adversarialNumber });
const exercise = fc.record({ id: fc.option(adversarialString), name: adversarialString, notes: fc.option(adversarialString), sets: fc.array(set, { maxLength: 4 }) });
const workout = fc.record({ id: fc.option(adversarialString), name: adversarialString, exercises: fc.array(exercise, { maxLength: 4 }) });
const programInput = fc.record({
  name: adversarialString,
  workouts: fc.oneof(fc.array(workout, { maxLength: 4 }), fc.array(workout, { minLength: 40, maxLength: 60 })),
  schedule: fc.array(fc.record({ dayOfWeek: adversarialNumber, workoutIndex: adversarialNumber }), { maxLength: 10 }),
});
/** Sometimes the right shape, sometimes any JSON in its place (wrong types in variables). */
const maybeWrong = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) });

const RUNS = { numRuns: 60 };

async function rejectedLeavesNothing(query: string, variables: Record<string, unknown>) {
  const before = await fingerprint();
  const response = await hostile(query, variables);
  if (response.errors?.length) expect(await fingerprint()).toBe(before);
}

describe('hostile input', () => {
  it('does not take the client\'s own text, quoted back, for a leak — and still sees internals the client did not send', async () => {
    const input = { '': 'pg_' };
    const response = await hostile(CREATE_PROGRAM, { input });
    expect(new Set(response.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(JSON.stringify(response.errors)).toContain('pg_');
    expect(internalsIn({ message: 'relation "pg_class": select 1', extensions: { stack: [] } }, { input })).toEqual(['select ', 'stack']);
  });

  it('answers BAD_USER_INPUT, not an internal error, when graphql-js gives up after 50 invalid variable values', async () => {
    const input = { ...upperLower(), workouts: Array.from({ length: 60 }, () => ({ name: 1, exercises: 'x' })) };
    const response = await t.gql(CREATE_PROGRAM, { input });
    expect(response.errors?.map((e) => e.extensions?.code)).toContain('BAD_USER_INPUT');
    expect(response.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
  });

  it('createProgram', async () => {
    await fc.assert(fc.asyncProperty(maybeWrong(programInput), (input) => rejectedLeavesNothing(CREATE_PROGRAM, { input })), RUNS);
  });

  it('modifyProgram, with any source and expectedVersion', async () => {
    await fc.assert(
      fc.asyncProperty(maybeWrong(programInput), fc.option(adversarialValue), fc.option(adversarialValue), (input, source, expectedVersion) =>
        rejectedLeavesNothing(MODIFY_PROGRAM, { id: program.id, input, source, expectedVersion }),
      ),
      RUNS,
    );
  });

  it('deleteWorkout, startSession, revertProgram and activateProgram with any ids', async () => {
    await fc.assert(
      fc.asyncProperty(adversarialValue, adversarialValue, adversarialValue, async (a, b, n) => {
        await rejectedLeavesNothing(DELETE_WORKOUT, { programId: a, workoutId: b });
        await rejectedLeavesNothing(START_SESSION, { programId: a, workoutId: b, startedAt: n });
        await rejectedLeavesNothing(`mutation ($id: ID!, $n: Int!) { revertProgram(id: $id, toVersion: $n) { id } }`, { id: a, n });
        await rejectedLeavesNothing(`mutation ($id: ID!) { activateProgram(id: $id) { id } }`, { id: b });
      }),
      RUNS,
    );
  });

  it('logSet and completeSession with any input', async () => {
    const loggedSet = fc.record({ exerciseId: fc.oneof(adversarialString, fc.constant(program?.workouts?.[0]?.exercises?.[0]?.id ?? 'x')), setNumber: adversarialNumber, reps: fc.option(adversarialNumber), weightKg: fc.option(adversarialNumber), rpe: fc.option(adversarialNumber) });
    await fc.assert(
      fc.asyncProperty(maybeWrong(loggedSet), fc.option(adversarialValue), async (input, completedAt) => {
        await rejectedLeavesNothing(LOG_SET, { sessionId, input });
        await rejectedLeavesNothing(COMPLETE_SESSION, { sessionId: 'not-a-session', completedAt });
      }),
      RUNS,
    );
  });

  it('queries with hostile arguments', async () => {
    await fc.assert(
      fc.asyncProperty(adversarialValue, adversarialValue, fc.array(adversarialString, { maxLength: 300 }), async (a, b, ids) => {
        await hostile(`query ($a: ID!) { program(id: $a) { id } session(id: $a) { id } }`, { a });
        await hostile(`query ($a: Int, $b: String) { sessions(first: $a, after: $b) { edges { cursor } } }`, { a, b });
        await hostile(`query ($a: Date!, $b: Date!) { calendar(from: $a, to: $b) { date } }`, { a, b });
        await hostile(`query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { exerciseId } }`, { ids });
      }),
      RUNS,
    );
  });
});
