import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { serverAudits } from 'graphql-http';
import { QUERY_LIMITS } from '../../src/server/apollo.js';
import { DEFAULT_USER, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The GraphQL-over-HTTP spec on the real server: every mistake in a request
 * is the client's (a client error code, 400 under
 * `application/graphql-response+json`, never a 5xx), and graphql-http's audit
 * finds no failure.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

async function post(body: unknown, accept: string) {
  const response = await fetch(`${t.app.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, 'x-user-id': DEFAULT_USER },
    body: JSON.stringify(body),
  });
  const payload = (await response.json()) as { data?: unknown; errors?: { message: string; locations?: unknown[]; extensions?: { code?: string } }[] };
  return { status: response.status, statements: Number(response.headers.get('x-sql-statements')), ...payload };
}

async function get(query: string, headers: Record<string, string>) {
  const response = await fetch(`${t.app.url}graphql?query=${encodeURIComponent(query)}`, { headers: { 'x-user-id': DEFAULT_USER, ...headers } });
  const payload = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.status, statements: Number(response.headers.get('x-sql-statements')), ...payload };
}

const overTokenLimit = `{ programs { ${Array.from({ length: QUERY_LIMITS.maxTokens }, () => 'id').join(' ')} } }`;
const PROGRAMS = '{ programs { id } }';

const mistakes: [string, Record<string, unknown>, string][] = [
  ['a syntax error', { query: '{ programs { id }' }, 'GRAPHQL_PARSE_FAILED'],
  ['a document over the token limit', { query: overTokenLimit }, 'GRAPHQL_PARSE_FAILED'],
  ['an unknown field', { query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED'],
  ['an unknown operationName', { query: 'query A { programs { id } }', operationName: 'B' }, 'OPERATION_RESOLUTION_FAILURE'],
  ['two operations and no operationName', { query: 'query A { programs { id } } query B { programs { id } }' }, 'OPERATION_RESOLUTION_FAILURE'],
  ['a subscription (none are served)', { query: 'subscription { programs { id } }' }, 'GRAPHQL_VALIDATION_FAILED'],
  ['a persisted query whose hash does not match its text', { query: PROGRAMS, extensions: { persistedQuery: { version: 1, sha256Hash: 'deadbeef' } } }, 'BAD_REQUEST'],
  ['a persisted query of an unknown version', { query: PROGRAMS, extensions: { persistedQuery: { version: 2, sha256Hash: 'deadbeef' } } }, 'BAD_REQUEST'],
];

describe('client mistakes get client error codes', () => {
  it.each(mistakes)('%s: 400 under application/graphql-response+json, nothing run', async (_, body, code) => {
    const response = await post(body, GRAPHQL_RESPONSE);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.statements).toBe(0);
  });

  it.each(mistakes)('%s: 200 or 400 under application/json, the same code', async (_, body, code) => {
    const response = await post(body, JSON_TYPE);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect([200, 400]).toContain(response.status);
  });

  it.each([
    { mistake: 'a variable of the wrong type', send: () => post({ query: 'query ($id: ID!) { program(id: $id) { id } }', variables: { id: {} } }, GRAPHQL_RESPONSE), code: 'BAD_USER_INPUT', status: 400 },
    { mistake: 'no query', send: () => post({ variables: {} }, GRAPHQL_RESPONSE), code: 'BAD_REQUEST', status: 400 },
    { mistake: 'a persisted query not yet registered', send: () => post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }, GRAPHQL_RESPONSE), code: 'PERSISTED_QUERY_NOT_FOUND', status: 200 },
    { mistake: 'a GET without a preflight header', send: () => get(PROGRAMS, { accept: GRAPHQL_RESPONSE }), code: 'BAD_REQUEST', status: 400 },
    { mistake: 'a mutation over GET', send: () => get('mutation { activateProgram(id: "x") { id } }', { accept: GRAPHQL_RESPONSE, 'apollo-require-preflight': 'true' }), code: 'BAD_REQUEST', status: 405 },
  ])('$mistake: $code, HTTP $status', async ({ send, code, status }) => {
    const response = await send();
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(response.status).toBe(status);
    expect(response.statements).toBe(0);
  });

  it('points at the offending place of a syntax error and of an over-long document', async () => {
    const syntax = await post({ query: '{ programs { id }' }, GRAPHQL_RESPONSE);
    expect(syntax.errors?.[0]?.locations).toEqual([{ line: 1, column: 18 }]);
    const long = await post({ query: overTokenLimit }, GRAPHQL_RESPONSE);
    expect(long.errors?.[0]?.message).toMatch(new RegExp(`contains more th.. ${QUERY_LIMITS.maxTokens} tokens`));
    expect(long.errors?.[0]?.locations).toHaveLength(1);
  });

  it('still serves a persisted query registered with its right hash', async () => {
    const sha256Hash = createHash('sha256').update(PROGRAMS).digest('hex');
    const registered = await post({ query: PROGRAMS, extensions: { persistedQuery: { version: 1, sha256Hash } } }, GRAPHQL_RESPONSE);
    expect(registered).toMatchObject({ status: 200, data: { programs: [] } });
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } }, GRAPHQL_RESPONSE);
    expect(byHash).toMatchObject({ status: 200, data: { programs: [] } });
  });

  it('counts every one of them under the code the client got, none as INTERNAL_SERVER_ERROR', async () => {
    const errors = await t.app.metrics.errors.get();
    const counted = Object.fromEntries(errors.values.map((v) => [v.labels.code, v.value]));
    expect(counted.INTERNAL_SERVER_ERROR).toBeUndefined();
    expect(counted.GRAPHQL_PARSE_FAILED).toBeGreaterThanOrEqual(4);
    expect(counted.BAD_REQUEST).toBeGreaterThanOrEqual(4);
  });
});

describe("graphql-http's server audit", () => {
  it('finds no failure; every warning left is explained in the README', async () => {
    const results = await Promise.all(serverAudits({ url: `${t.app.url}graphql` }).map((audit) => audit.fn()));
    const summary = (status: string) => results.filter((r) => r.status === status).map((r) => `${r.id} ${r.name}`);
    expect(summary('error')).toEqual([]);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const warning of summary('warn')) expect(readme).toContain(warning.slice(0, 4));
    // Ours were 556A and 74FF (400 for parse and validation failures under application/graphql-response+json).
    expect(summary('warn').map((w) => w.slice(0, 4)).sort()).toEqual(['572B', '7B9B', 'FDE2']);
  });
});
