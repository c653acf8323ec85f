import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { migrateDown, migrateUp } from '../../src/db/migrator.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';

describe('health, readiness and metrics', () => {
  it('/health is up; /ready follows the database schema; the metrics port exposes requests, errors and read paths', async () => {
    const t = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' });
    try {
      expect((await fetch(`${t.app.url}health`)).status).toBe(200);
      expect(await (await fetch(`${t.app.url}ready`)).json()).toEqual({ status: 'ready' });
      const migrations = await t.db.migrationOrm();
      await migrateDown(migrations);
      const notReady = await fetch(`${t.app.url}ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ status: 'migrations pending' });
      await migrateUp(migrations);
      expect((await fetch(`${t.app.url}ready`)).status).toBe(200);

      ok(await t.gql(`query Mine { programs { id } }`));
      await t.gql(`{ program(id: "nope") { id } }`);
      const text = await (await fetch(t.app.metricsUrl)).text();
      expect(text).toMatch(/training_graphql_request_duration_seconds_count\{operation="Mine",path="versioned",outcome="ok"\} 1/);
      expect(text).toMatch(/training_graphql_errors_total\{code="BAD_USER_INPUT"\} 1/);
      expect(text).toMatch(/training_process_resident_memory_bytes/);
    } finally {
      await t.close();
    }
  });
});

describe('JWT with a JWKS URL', () => {
  it('verifies tokens against the published keys', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const t = await startTestApp({ AUTH_MODE: 'jwt', JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, JWT_AUDIENCE: 'training' });
    try {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('73000000-0000-4000-8000-000000000001')
        .setAudience('training')
        .setExpirationTime('5m')
        .sign(privateKey);
      const call = (auth: string) =>
        fetch(`${t.app.url}graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ query: '{ programs { id } }' }) });
      const good = await call(`Bearer ${token}`);
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({ data: { programs: [] } });
      expect((await call(`Bearer ${token.slice(0, -4)}AAAA`)).status).toBe(401);
    } finally {
      await t.close();
      jwks.close();
    }
  });
});

describe('npm start', () => {
  it('migrates, serves, and shuts down cleanly on SIGTERM', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const child = spawn('node_modules/.bin/tsx', ['src/cli/start.ts'], {
        env: { ...process.env, DATABASE_URL: db.url, MIGRATION_DATABASE_URL: db.adminUrl, PORT: '0', SEED_DEMO_DATA: 'on', NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line in: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /training subgraph ready at (http:\/\/\S+)"/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const response = await fetch(`${url}graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': '11111111-1111-4111-8111-111111111111' },
        body: JSON.stringify({ query: '{ activeProgram { name } }' }),
      });
      expect(((await response.json()) as any).data.activeProgram.name).toEqual(expect.any(String));
      const metricsUrl = /"metricsUrl":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      expect(metricsUrl).toBeDefined();
      expect(await (await fetch(metricsUrl!)).text()).toMatch(/training_graphql_request_duration_seconds_count\{operation="anonymous"/);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(out).toMatch(/"msg":"stopped"/);
    } finally {
      await db.close();
    }
  });
});
