import { readFileSync } from 'node:fs';
import { OPERATION_COST_BUDGET } from '../../src/server/operation-cost/operation-cost-limit.js';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { insertLargestProgram, insertPerformedHistory, type LargestProgram } from './largest-program.js';

/**
 * Bounded work: an operation's cost — its values counted with every list at
 * its largest, variables and representations included — is known before it
 * runs, and an operation over the budget is refused (OPERATION_TOO_EXPENSIVE,
 * HTTP 400) without running a statement. The screens the app has still pass.
 */
let t: TestApp;
const ME = '7c000000-0000-4000-8000-000000000001';
let largest: LargestProgram;

beforeAll(async () => {
  t = await startTestApp();
  largest = await insertLargestProgram(t.db.sql, ME);
  // Every exercise performed once, 3 sets each, in January 2024.
  await insertPerformedHistory(t.db.sql, ME, largest, '2024-01-01', 3);
  await seedDemoData((sql, params) => t.db.sql.query(sql, params), new Date('2026-11-20T12:00:00Z'));
});
afterAll(async () => t.close());

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  statements: number;
}

/** One POST as `user`, asking for the GraphQL-over-HTTP media type. */
async function post(query: string, variables: Record<string, unknown> = {}, user = ME): Promise<Answer> {
  const response = await fetch(`${t.app.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-user-id': user },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'], statements: Number(response.headers.get('x-sql-statements')) };
}

function expectRefused(answer: Answer): number {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  const error = answer.body.errors?.[0];
  expect(error?.extensions).toMatchObject({ code: 'OPERATION_TOO_EXPENSIVE', budget: OPERATION_COST_BUDGET });
  const cost = error?.extensions?.cost as number;
  expect(cost).toBeGreaterThan(OPERATION_COST_BUDGET);
  expect(error?.message).toContain(`operation cost ${cost} exceeds the budget of ${OPERATION_COST_BUDGET}`);
  expect(answer.statements).toBe(0);
  return cost;
}

const PROGRAM_TREE = `programs { workouts { exercises { id name sets { reps repsMax weightKg restSeconds } } } }`;

describe('refused before execution', () => {
  it('_entities with 60 copies of the caller as User, each selecting the largest program’s whole tree', async () => {
    const representations = Array.from({ length: 60 }, () => ({ __typename: 'User', id: ME }));
    const answer = await post(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${PROGRAM_TREE} } } }`, { r: representations });
    // 60 users × 50 programs × 30 workouts × 50 exercises × 30 sets of 5 values, and the levels above.
    expect(expectRefused(answer)).toBeGreaterThan(60 * 50 * 30 * 50 * 30 * 5);
  });

  it('20 aliases of a 366-day calendar with last performance and session sets', async () => {
    // Alice's year of demo history: an ordinary program and a few sessions a week.
    const day = `date scheduled { id name exercises { id name lastPerformance { performedAt sets { setNumber reps weightKg rpe } } } }
      sessions { id workoutName startedAt completedAt sets { exerciseName setNumber reps weightKg rpe } }`;
    const aliases = Array.from({ length: 20 }, (_, i) => `c${i}: calendar(from: "2025-11-20", to: "2026-11-20") { ${day} }`).join('\n');
    expectRefused(await post(`{ ${aliases} }`, {}, DEMO_USERS.alice));
  });

  it('counts each representation: one Session too many tips a request over the budget', async () => {
    const sessionId = ok(await t.gql(`{ sessions(first: 1) { edges { node { id } } } }`, {}, ME)).sessions.edges[0].node.id;
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Session { id sets { reps } } } }`;
    // Each Session: itself, its id, and 1500 sets of 2 values = 3002.
    const fitting = Math.floor(OPERATION_COST_BUDGET / 3002);
    const reps = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Session', id: sessionId }));
    expect(ok(await post(query, { r: reps(fitting) }).then(asResponse))._entities).toHaveLength(fitting);
    expect(expectRefused(await post(query, { r: reps(fitting + 1) }))).toBe((fitting + 1) * 3002);
    // The same, written as a literal in the document.
    const literal = (n: number) => `[${reps(n).map((r) => `{ __typename: "Session", id: "${r.id}" }`).join(' ')}]`;
    expectRefused(await post(`{ _entities(representations: ${literal(fitting + 1)}) { ... on Session { id sets { reps } } } }`));
  });

  it('counts `first` from the variables', async () => {
    const query = `query ($n: Int) { programs(first: $n) { workouts { exercises { sets { reps } } } } }`;
    // A program: itself and 30 workouts × (1 + 50 exercises × (1 + 30 sets × 2)) = 91,531.
    expect(ok(await post(query, { n: 10 }).then(asResponse)).programs).toHaveLength(1);
    expect(expectRefused(await post(query, { n: 11 }))).toBe(11 * 91_531);
    expectRefused(await post(`{ programs { workouts { exercises { sets { reps } } } } }`)); // the default, 50
  });

  it('counts calendar days from the range', async () => {
    const query = `query ($to: Date!) { calendar(from: "2024-01-01", to: $to) { sessions { sets { reps } } } }`;
    // A day: itself and 20 sessions × (1 + 1500 sets × 2) = 60,021.
    expect(ok(await post(query, { to: '2024-01-16' }).then(asResponse)).calendar).toHaveLength(16);
    expect(expectRefused(await post(query, { to: '2024-01-17' }))).toBe(17 * 60_021);
  });

  it('refuses fragments that expand past what can be costed, naming the budget', async () => {
    // 30 × 30 × 30 spreads of `id`: a shallow, short document that expands to 27,000 selections.
    const spreads = (name: string) => Array.from({ length: 30 }, () => `...${name}`).join(' ');
    const fragments = `fragment A on Program { ${spreads('B')} } fragment B on Program { ${spreads('C')} } fragment C on Program { ${spreads('D')} } fragment D on Program { id }`;
    const answer = await post(`{ activeProgram { ...A } } ${fragments}`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_TOO_EXPENSIVE', cost: null, budget: OPERATION_COST_BUDGET });
    expect(answer.body.errors?.[0]?.message).toContain(`exceeds the budget of ${OPERATION_COST_BUDGET}`);
    expect(answer.statements).toBe(0);
  });
});

describe('the screens the app has pass', () => {
  it('the workout screen: the largest program’s whole tree with last performance and schedule, every field', async () => {
    const program = ok(
      await post(`{ activeProgram { id name isActive updatedAt currentVersion { id number }
        workouts { id name position exercises { id name notes sets { reps repsMax weightKg restSeconds }
          lastPerformance { exerciseId performedAt session { id workoutName startedAt completedAt }
            sets { exerciseId exerciseName setNumber reps weightKg rpe completedAt } } } }
        schedule { dayOfWeek workout { id name position } } } }`).then(asResponse),
    ).activeProgram;
    expect(program.workouts).toHaveLength(30);
    for (const workout of program.workouts) {
      expect(workout.exercises).toHaveLength(50);
      for (const exercise of workout.exercises) {
        expect(exercise.sets).toHaveLength(30);
        expect(exercise.lastPerformance.sets).toHaveLength(3);
      }
    }
    expect(program.schedule).toHaveLength(100);
  });

  it('a year of calendar (366 days) with scheduled workouts and sessions', async () => {
    const days = ok(
      await post(`{ calendar(from: "2024-01-01", to: "2024-12-31") { date scheduled { id name position } sessions { id workoutName startedAt completedAt workout { id name } } } }`).then(
        asResponse,
      ),
    ).calendar;
    expect(days).toHaveLength(366);
    expect(days.flatMap((d: any) => d.sessions)).toHaveLength(30);
    expect(days[0].scheduled.length).toBeGreaterThan(10);
  });

  it('_entities as a gateway sends it for pages of sessions: 100 with their fields, 100 with their sets too', async () => {
    const ids = ok(await t.gql(`{ sessions(first: 30) { edges { node { id } } } }`, {}, ME)).sessions.edges.map((e: any) => e.node.id);
    const page = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Session', id: ids[i % ids.length] }));
    const fields = `id workoutName startedAt completedAt workout { id name position } programVersion { id number }`;
    const hundred = ok(await post(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Session { ${fields} } } }`, { r: page(100) }).then(asResponse));
    expect(hundred._entities).toHaveLength(100);
    const withSets = ok(
      await post(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Session { id workoutName startedAt completedAt sets { exerciseId exerciseName setNumber reps } } } }`, {
        r: page(100),
      }).then(asResponse),
    );
    expect(withSets._entities[99].sets).toHaveLength(150);
  });

  it('every query of the README’s "Try it in Sandbox"', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Try it in Sandbox'), readme.indexOf('\n## ', readme.indexOf('## Try it in Sandbox') + 1));
    const queries = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)]
      .flatMap((block) => block[1]!.split(/\n(?=#|\{|mutation)/))
      .map((text) => text.replace(/^#.*$/gm, '').trim())
      .filter((text) => text.startsWith('{'));
    expect(queries.length).toBeGreaterThanOrEqual(7);
    for (const query of queries) ok(await post(query, {}, DEMO_USERS.alice).then(asResponse));
  });
});

/** The shape `ok` takes. */
function asResponse(answer: Answer) {
  return { status: answer.status, data: answer.body.data, errors: answer.body.errors, statements: answer.statements };
}
