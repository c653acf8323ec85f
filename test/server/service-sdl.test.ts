import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';

/**
 * In production `_service { sdl }` (the whole schema) is off by default, like
 * introspection; `SUBGRAPH_SDL=on` serves it to gateways that compose by
 * asking the subgraph. `_entities` works either way.
 */
const PRODUCTION = { NODE_ENV: 'production', AUTH_MODE: 'dev-header', ALLOW_DEV_HEADER_IN_PRODUCTION: 'on' };

describe('_service in production', () => {
  it('is refused by default, however it is asked for; _entities still works', async () => {
    const t = await startTestApp(PRODUCTION);
    try {
      for (const query of [`{ _service { sdl } }`, `{ schema: _service { sdl } }`, `query { ...F } fragment F on Query { _service { sdl } }`]) {
        const response = await t.gql(query);
        expect(response.status).toBe(400);
        expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
        expect(response.data).toBeUndefined();
      }
      const created = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
      const entities = await t.gql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Program { name } } }`, { r: [{ __typename: 'Program', id: created.id }] });
      expect(ok(entities)._entities).toEqual([{ name: 'Upper/Lower' }]);
    } finally {
      await t.close();
    }
  });

  it('is served with SUBGRAPH_SDL=on', async () => {
    const t = await startTestApp({ ...PRODUCTION, SUBGRAPH_SDL: 'on' });
    try {
      expect(ok(await t.gql(`{ _service { sdl } }`))._service.sdl).toContain('type Program');
    } finally {
      await t.close();
    }
  });
});
