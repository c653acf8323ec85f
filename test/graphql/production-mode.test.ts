import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ NODE_ENV: 'production', AUTH_MODE: 'dev-header', ALLOW_DEV_HEADER_IN_PRODUCTION: 'on' });
});
afterAll(async () => t.close());

describe('production mode', () => {
  it('turns introspection and, unless SUBGRAPH_SDL=on, the federation _service field off', async () => {
    const introspection = await t.gql(`{ __schema { types { name } } }`);
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const service = await t.gql(`{ _service { sdl } }`);
    expect(service.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('masks internal errors: no stack, no SQL, no driver message', async () => {
    await t.db.sql.query('alter table programs rename column program_json to program_json_moved');
    try {
      const response = await t.gql(`{ programs { id } }`);
      expect(response.errors).toHaveLength(1);
      const error = response.errors![0]!;
      expect(error.message).toBe('Internal server error');
      expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(JSON.stringify(response)).not.toMatch(/select|program_json|stack/i);
    } finally {
      await t.db.sql.query('alter table programs rename column program_json_moved to program_json');
    }
  });

  it('does not send the statement-count header', async () => {
    const response = await fetch(`${t.app.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
      body: JSON.stringify({ query: '{ programs { id } }' }),
    });
    expect(response.headers.get('x-sql-statements')).toBeNull();
  });

  it('refuses bodies over the limit with 413 and without parsing them', async () => {
    const response = await fetch(`${t.app.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ programs { id } }`, variables: { pad: 'x'.repeat(2_000_000) } }),
    });
    expect(response.status).toBe(413);
  });

  it('prevents CSRF: a simple GET without a preflight-forcing header is refused', async () => {
    const response = await fetch(`${t.app.url}graphql?query=${encodeURIComponent('{ programs { id } }')}`);
    expect(response.status).toBe(400);
  });
});
