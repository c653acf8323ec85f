import { SignJWT } from 'jose';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const USER = '30000000-0000-4000-8000-000000000001';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_AUDIENCE: 'training' });
});
afterAll(async () => t.close());

async function token(claims: { sub?: string; aud?: string; expiresIn?: string; secret?: string }) {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(claims.expiresIn ?? '5m');
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  if (claims.aud) jwt = jwt.setAudience(claims.aud);
  return jwt.sign(new TextEncoder().encode(claims.secret ?? SECRET));
}

async function asBearer(bearer: string | null, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(`${t.app.url}graphql`, { method: 'POST', headers, body: JSON.stringify({ query: '{ programs { id } }' }) });
  return { status: response.status, body: (await response.json()) as any };
}

describe('JWT mode', () => {
  it('takes the caller from a verified token', async () => {
    const response = await asBearer(await token({ sub: USER, aud: 'training' }));
    expect(response.status).toBe(200);
    expect(ok({ status: 200, data: response.body.data, errors: response.body.errors, statements: 0 }).programs).toEqual([]);
  });

  it.each([
    ['an expired token', { sub: USER, aud: 'training', expiresIn: '-1m' }],
    ['a wrong audience', { sub: USER, aud: 'someone-else' }],
    ['a wrong signature', { sub: USER, aud: 'training', secret: 'another-secret-that-is-at-least-32-chars!!' }],
    ['a subject that is not a user id', { sub: 'admin', aud: 'training' }],
    ['no subject', { aud: 'training' }],
  ])('refuses %s with UNAUTHENTICATED', async (_, claims) => {
    const response = await asBearer(await token(claims));
    expect(response.status).toBe(401);
    expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ignores x-user-id: the header is not an identity in JWT mode', async () => {
    const response = await asBearer(null, { 'x-user-id': USER });
    expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
