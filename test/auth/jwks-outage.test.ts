import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A key-set (JWKS) outage is ours, not the caller's: a valid token gets a
 * retryable SERVICE_UNAVAILABLE (503), never UNAUTHENTICATED, which would sign
 * everyone out; a token that is bad on its face is still UNAUTHENTICATED.
 * The key set here is a real local HTTP server that is stopped, then broken,
 * then back.
 */
const USER = '31000000-0000-4000-8000-000000000001';
let t: TestApp;
let keys: Server;
let port: number;
let mode: 'ok' | 'error' = 'ok';
let privateKey: CryptoKey;
let jwk: Record<string, unknown>;

function keyServer(): Server {
  return createServer((_, res) => {
    if (mode === 'error') {
      res.statusCode = 500;
      res.end('identity provider down');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
}

async function listen(server: Server, on = 0): Promise<number> {
  server.listen(on, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  keys = keyServer();
  port = await listen(keys);
  // Stopped before the service ever fetched the set: the service starts during the provider's outage.
  await new Promise((resolve) => keys.close(resolve));
  t = await startTestApp({ AUTH_MODE: 'jwt', JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, JWT_AUDIENCE: 'training' });
});
afterAll(async () => {
  await t.close();
  if (keys.listening) await new Promise((resolve) => keys.close(resolve));
});

const token = (kid = 'k1', key: CryptoKey = privateKey) =>
  new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setSubject(USER).setAudience('training').setExpirationTime('5m').sign(key);

async function call(authorization: string) {
  const response = await fetch(`${t.app.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: '{ programs { id } }' }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

describe('JWKS outage', () => {
  it('answers a valid token with a retryable SERVICE_UNAVAILABLE while the key server is stopped', async () => {
    const response = await call(`Bearer ${await token()}`);
    expect(response.status).toBe(503);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(response.body.errors?.[0]?.message).not.toMatch(/127\.0\.0\.1|fetch failed/);
  });

  it('still refuses a token that is not a JWT at all, outage or not', async () => {
    const response = await call('Bearer not-a-token');
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers SERVICE_UNAVAILABLE while the key server answers 500', async () => {
    mode = 'error';
    keys = keyServer();
    await listen(keys, port);
    const response = await call(`Bearer ${await token()}`);
    expect(response.status).toBe(503);
    expect(response.body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('recovers by itself once the key server is back; bad tokens stay UNAUTHENTICATED', async () => {
    mode = 'ok';
    const good = await call(`Bearer ${await token()}`);
    expect(good).toEqual({ status: 200, body: { data: { programs: [] } } });
    const forged = await call(`Bearer ${await token('k1', (await generateKeyPair('RS256')).privateKey)}`);
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const unknownKey = await call(`Bearer ${await token('k9')}`);
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('counts the outage as SERVICE_UNAVAILABLE and the bad tokens as UNAUTHENTICATED', async () => {
    const counted = Object.fromEntries((await t.app.metrics.errors.get()).values.map((v) => [v.labels.code, v.value]));
    expect(counted).toEqual({ SERVICE_UNAVAILABLE: 2, UNAUTHENTICATED: 3 });
  });
});
