import { QUERY_LIMITS } from '../../src/server/apollo.js';
import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const nest = (depth: number): string => (depth === 0 ? 'id' : `... on Program { workouts { exercises { lastPerformance { session { programVersion { program { ${nest(depth - 1)} } } } } } } }`);

describe('query-shape limits (graphql-armor)', () => {
  it('rejects an over-deep query before running it', async () => {
    const response = await t.gql(`{ activeProgram { ${nest(3)} } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).toMatch(/depth|cost/i);
    expect(response.statements).toBe(0);
  });

  it('rejects too many aliases', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 5 }, (_, i) => `a${i}: programs { id }`).join(' ');
    const response = await t.gql(`{ ${aliases} }`);
    expect(response.errors?.[0]?.message).toMatch(/aliases/i);
    expect(response.statements).toBe(0);
  });

  it('rejects a huge document cheaply', async () => {
    const fields = Array.from({ length: 4000 }, () => 'id').join(' ');
    const response = await t.gql(`{ programs { ${fields} } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.status).toBe(400);
    expect(response.statements).toBe(0);
  });

  it('refuses batched HTTP requests', async () => {
    const response = await fetch(`${t.app.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
      body: JSON.stringify([{ query: '{ programs { id } }' }, { query: '{ programs { id } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('keeps _entities and _service working, and the real deep operations', async () => {
    const created = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    // A few whole program trees with last performance: 100 of them are far over the operation cost budget (test/server/operation-cost.test.ts).
    const reps = Array.from({ length: 3 }, () => ({ __typename: 'Program', id: created.id }));
    const entities = await t.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Program { id workouts { exercises { lastPerformance { session { workoutName } sets { reps weightKg } } } } schedule { workout { name } } } } }`,
      { reps },
    );
    expect(ok(entities)._entities).toHaveLength(3);
    expect(entities.statements).toBeLessThanOrEqual(2);
    expect(ok(await t.gql(`{ _service { sdl } }`))._service.sdl).toContain('type Program');
  });
});
