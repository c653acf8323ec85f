import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { parse, type DocumentNode } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { buildSchema } from '../../src/graphql/schema.js';
import { operationCostLimit } from '../../src/server/operation-cost/operation-cost-limit.js';
import { listSizeEstimator, operationCost } from '../../src/server/operation-cost/operation-cost.js';

/**
 * The operation cost is worked out once per parsed document, operation and
 * variables (Apollo keeps one parsed document per query text), not on every
 * request: walking the document was 5% of the server's CPU on the full-tree
 * read. Remembering must never mix up two requests whose variables differ.
 */
const schema = buildSchema();
let evaluations = 0;
const counting: ComplexityEstimator = (options) => {
  evaluations += 1;
  return listSizeEstimator()(options);
};

/** Runs the plugin's check as Apollo does for one request; resolves to the error it throws, or null. */
async function check(plugin: ApolloServerPlugin, document: DocumentNode, variables: Record<string, unknown> = {}): Promise<Error | null> {
  const listener = (await plugin.requestDidStart!({} as never)) as GraphQLRequestListener<never>;
  try {
    await listener.didResolveOperation!({ schema, document, operationName: null, request: { variables } } as never);
    return null;
  } catch (error) {
    return error as Error;
  }
}

const FULL_TREE = parse(`{ activeProgram { id workouts { id exercises { id sets { reps } lastPerformance { sets { reps } } } } } }`);
const PAGE = parse(`query ($n: Int) { sessions(first: $n) { edges { node { id sets { reps weightKg } } } } }`);

beforeEach(() => {
  evaluations = 0;
});

it('the same document again is not walked again', async () => {
  const plugin = operationCostLimit(1_000_000, counting);
  expect(await check(plugin, FULL_TREE)).toBeNull();
  const first = evaluations;
  expect(first).toBeGreaterThan(0);
  expect(await check(plugin, FULL_TREE)).toBeNull();
  expect(await check(plugin, FULL_TREE)).toBeNull();
  expect(evaluations).toBe(first);
});

it('other variables are another cost: a page within the budget, then one over it, then the first again', async () => {
  const plugin = operationCostLimit(5_000, counting);
  expect(await check(plugin, PAGE, { n: 1 })).toBeNull();
  const refused = await check(plugin, PAGE, { n: 100 });
  expect(refused).toMatchObject({ extensions: { code: 'OPERATION_TOO_EXPENSIVE' } });
  expect(await check(plugin, PAGE, { n: 1 })).toBeNull();
  expect(await check(plugin, PAGE, { n: 100 })).toMatchObject({ extensions: { code: 'OPERATION_TOO_EXPENSIVE' } });
});

it('an operation over the budget stays refused when asked again', async () => {
  const plugin = operationCostLimit(10, counting);
  expect(await check(plugin, FULL_TREE)).toMatchObject({ extensions: { code: 'OPERATION_TOO_EXPENSIVE' } });
  expect(await check(plugin, FULL_TREE)).toMatchObject({ extensions: { code: 'OPERATION_TOO_EXPENSIVE' } });
});

it('large variables too: 50 `_entities` keys are remembered, and 60 are another cost', async () => {
  const entities = parse(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Program { id workouts { id exercises { id sets { reps } } } } } }`);
  const keys = (n: number) => ({ r: Array.from({ length: n }, (_, i) => ({ __typename: 'Program', id: `0d000000-0000-4000-8000-${String(i).padStart(12, '0')}` })) });
  const cost50 = operationCost(schema, entities, undefined, keys(50));
  if (!('cost' in cost50)) throw new Error('50 keys: no cost');
  const plugin = operationCostLimit(cost50.cost, counting);
  expect(await check(plugin, entities, keys(50))).toBeNull();
  const first = evaluations;
  expect(first).toBeGreaterThan(0);
  expect(await check(plugin, entities, keys(50))).toBeNull();
  expect(evaluations).toBe(first);
  expect(await check(plugin, entities, keys(60))).toMatchObject({ extensions: { code: 'OPERATION_TOO_EXPENSIVE' } });
  expect(await check(plugin, entities, keys(50))).toBeNull();
  expect(await check(plugin, entities, keys(60))).toMatchObject({ extensions: { code: 'OPERATION_TOO_EXPENSIVE' } });
});
