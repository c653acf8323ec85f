import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createOrm, serviceOrmOptions } from '../../src/db/orm.js';
import { isTransientDatabaseError } from '../../src/db/transient-errors.js';
import { startApp, type RunningApp } from '../../src/server/app.js';
import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { holdEveryConnection } from '../support/hold-connections.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Bounded waits on the request path: a lock held by another session (a
 * migration, an operator's `LOCK TABLE`) makes requests fail with a retryable
 * 503 after about DB_LOCK_TIMEOUT_MS instead of hanging for as long as the
 * lock is held, and `/ready` says so meanwhile; an exhausted pool is reported
 * by `/ready` too.
 */
const USER = '76000000-0000-4000-8000-000000000001';
/** Far above the lock timeout under test, far below the 40 s the lock is held for in the field report. */
const GENEROUS_MS = 20_000;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

async function startService(env: Record<string, string>, poolMax?: number): Promise<{ app: RunningApp; orm: MikroORM }> {
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: db.url, ...env });
  const orm = await createOrm({ ...serviceOrmOptions(config, db.url), ...(poolMax ? { poolMax } : {}) });
  const app = await startApp(config, orm, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return { app, orm };
}

async function gql(app: RunningApp, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${app.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': USER },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function ready(app: RunningApp) {
  const response = await fetch(`${app.url}ready`);
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

/** `work`'s result, or 'still waiting' when it has not settled after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}

describe('an exclusive lock held on a hot table', () => {
  it('fails requests with a retryable 503 instead of hanging, and /ready reports the lock while it is held', async () => {
    const { app, orm } = await startService({ DB_LOCK_TIMEOUT_MS: '500', DB_STATEMENT_TIMEOUT_MS: '3000' });
    const holder = new pg.Client(db.url);
    await holder.connect();
    try {
      expect((await gql(app, CREATE_PROGRAM, { input: upperLower() })).status).toBe(200);
      expect((await ready(app)).status).toBe(200);

      await holder.query('begin');
      await holder.query('lock table programs in access exclusive mode');
      const requests = Promise.all(Array.from({ length: 10 }, () => gql(app, `{ programs { id name } activeProgram { id } }`)));
      const answered = await within(GENEROUS_MS, requests);
      expect(answered).not.toBe('still waiting');
      for (const response of answered as Awaited<typeof requests>) {
        expect(response.status).toBe(503);
        expect(response.body.errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      }
      const probe = await within(GENEROUS_MS, ready(app));
      expect(probe).toEqual({ status: 503, body: { status: 'tables locked', reason: expect.stringMatching(/programs/) } });

      await holder.query('rollback');
      expect(await ready(app)).toEqual({ status: 200, body: { status: 'ready' } });
      expect((await gql(app, `{ programs { id } }`)).status).toBe(200);
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
      await app.close();
      await orm.close();
    }
  });
});

describe('the service pool', () => {
  it('sets the statement, lock and idle-in-transaction timeouts on every connection', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, DB_STATEMENT_TIMEOUT_MS: '4000', DB_LOCK_TIMEOUT_MS: '1500', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '7000' });
    const orm = await createOrm(serviceOrmOptions(config, db.url));
    try {
      const [settings] = await orm.em
        .getConnection()
        .execute(`select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock, current_setting('idle_in_transaction_session_timeout') as idle`);
      expect(settings).toEqual({ statement: '4s', lock: '1500ms', idle: '7s' });
    } finally {
      await orm.close();
    }
  });

  it('classifies what the timeouts raise as transient (a retryable SERVICE_UNAVAILABLE)', async () => {
    const limits = { statement_timeout: 1000, lock_timeout: 100, idle_in_transaction_session_timeout: 100 };
    const client = new pg.Client({ connectionString: db.url, ...limits } as pg.ClientConfig);
    const idler = new pg.Client({ connectionString: db.url, ...limits } as pg.ClientConfig);
    const holder = new pg.Client(db.url);
    // The server's FATAL, then "Connection terminated unexpectedly": the first one says why.
    const idlerEnded = new Promise<unknown>((resolve) => idler.on('error', resolve));
    await Promise.all([client.connect(), idler.connect(), holder.connect()]);
    try {
      const overStatementTimeout = await client.query('select pg_sleep(5)').catch((error: unknown) => error);
      expect(overStatementTimeout).toMatchObject({ code: '57014' });
      await holder.query('begin');
      await holder.query('lock table programs in access exclusive mode');
      const lockNotGranted = await client.query('select 1 from programs limit 1').catch((error: unknown) => error);
      expect(lockNotGranted).toMatchObject({ code: '55P03' });
      await holder.query('rollback');
      await idler.query('begin');
      const idleInTransaction = await idlerEnded; // the server ends the session after 100 ms idle in the transaction
      expect(idleInTransaction).toMatchObject({ code: '25P03' });
      for (const error of [overStatementTimeout, lockNotGranted, idleInTransaction]) expect(isTransientDatabaseError(error)).toBe(true);
    } finally {
      await holder.query('rollback').catch(() => {});
      await Promise.all([client.end(), idler.end().catch(() => {}), holder.end()]);
    }
  });

  it('is reported by /ready when exhausted, with the reason, and ready again once a connection is free', async () => {
    const { app, orm } = await startService({}, 1);
    try {
      expect((await ready(app)).status).toBe(200);
      const busy = await holdEveryConnection(orm);
      try {
        const probe = await within(GENEROUS_MS, ready(app));
        expect(probe).toEqual({ status: 503, body: { status: 'pool exhausted', reason: expect.stringMatching(/no database connection became free/) } });
      } finally {
        await busy.release();
      }
      expect(await ready(app)).toEqual({ status: 200, body: { status: 'ready' } });
    } finally {
      await app.close();
      await orm.close();
    }
  });
});
