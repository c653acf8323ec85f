import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/server/app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let app: RunningApp;
const lines: any[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const sink = new Writable({
    write(chunk, _, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: db.url, PROGRAM_VERSIONING_WRITES: 'on' });
  app = await startApp(config, db.orm, pino({ level: 'info' }, sink));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

describe('request log', () => {
  it('writes one line per operation with its request id, user, operation, phase and effective flags', async () => {
    await fetch(`${app.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': '50000000-0000-4000-8000-000000000001', 'x-request-id': 'req-123' },
      body: JSON.stringify({ query: 'query MyPrograms { programs { id } }' }),
    });
    const line = lines.find((l) => l.msg === 'graphql request');
    expect(line).toMatchObject({
      requestId: 'req-123',
      userId: '50000000-0000-4000-8000-000000000001',
      operation: 'MyPrograms',
      // The phase of the request's one flag evaluation, and the read path it takes.
      phase: 'phase-2/3',
      path: 'legacy',
      flags: { versioningWrites: true, versioningReads: false, legacyJsonWrites: true },
      errors: [],
    });
  });
});
