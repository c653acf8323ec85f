import { loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Metrics are for operators: served on METRICS_PORT only, never on the
 * GraphQL port that clients reach.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('metrics on their own port', () => {
  it('defaults to 9464; 0 (any free port) under NODE_ENV=test, where many servers run side by side', () => {
    expect(loadConfig({}).METRICS_PORT).toBe(9464);
    expect(loadConfig({ NODE_ENV: 'test' }).METRICS_PORT).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', METRICS_PORT: '9100' }).METRICS_PORT).toBe(9100);
  });

  it('serves Prometheus text on the metrics port, on a port other than GraphQL', async () => {
    expect(new URL(t.app.metricsUrl).port).not.toBe(new URL(t.app.url).port);
    const response = await fetch(t.app.metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^training_process_resident_memory_bytes \d+/m);
  });

  it('answers 404 for /metrics on the GraphQL port', async () => {
    const response = await fetch(`${t.app.url}metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/training_/);
  });

  it('serves nothing else on the metrics port: no GraphQL there', async () => {
    const base = new URL(t.app.metricsUrl);
    const graphql = await fetch(new URL('/graphql', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ programs { id } }' }) });
    expect(graphql.status).toBe(404);
    expect((await fetch(new URL('/', base))).status).toBe(404);
  });

  it('counts requests refused before GraphQL (a body that is not JSON) like any other error', async () => {
    const response = await fetch(`${t.app.url}graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(response.status).toBe(400);
    expect(await (await fetch(t.app.metricsUrl)).text()).toMatch(/training_graphql_errors_total\{code="BAD_REQUEST"\} 1/);
  });
});
