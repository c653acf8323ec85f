import { ConnectionException, type EntityManager } from '@mikro-orm/postgresql';
import pino from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { embeddedUrl, SERVICE_LOGIN } from '../../src/db/embedded-database.js';
import { createOrm, serviceOrmOptions } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { statementPoolOf } from '../../src/db/statement-pool.js';
import { inTransaction } from '../../src/db/transaction.js';
import { isTransientDatabaseError } from '../../src/db/transient-errors.js';
import { startApp } from '../../src/server/app.js';
import { selectVersionTrees } from '../../src/store/version-store.js';
import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { startDatabaseProxy, type DatabaseProxy } from '../support/database-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The database may also stop answering in the middle of a statement (the host
 * froze, the network drops packets): the server's own statement_timeout
 * cannot fire then, so the client bounds the wait for an answer too
 * (`query_timeout`, the statement timeout plus a margin), gives the connection
 * up, and the request gets the same retryable 503. The proxy freezes: it stops
 * relaying both ways without closing anything.
 *
 * `DB_ACQUIRE_TIMEOUT_MS` bounds every wait for a connection of the statement
 * pool, also when the database is there but does not answer (a host that
 * froze, a network that drops packets): a request that needs a transaction
 * while the only connection is pinned by another, or while a new connection
 * cannot be opened, ends with a retryable 503 — it does not hang.
 * The database sits behind a proxy that starts answering nothing.
 */
const USER = '74000000-0000-4000-8000-000000000002';
let db: TestDatabase;
let proxy: DatabaseProxy;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startDatabaseProxy(Number(process.env.TEST_PG_PORT));
});
afterAll(async () => {
  await proxy.close();
  await db.close();
});

/** Far above the client-side bound under test (300 + 1000 ms), far below jest's timeout: past it a statement hangs. */
const HANG_MS = 15_000;

/** `work`'s result (or its error), or 'still waiting' when it has not settled after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T | unknown> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([work.catch((error: unknown) => error), bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** The service with one connection per pool (and `env`), on the database behind the proxy, and its `/ready` answer. */
async function serviceBehindProxy(env: Record<string, string> = {}) {
  const url = embeddedUrl(proxy.port, db.name, SERVICE_LOGIN);
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: url, DB_POOL_MAX: '1', ...env });
  const orm = await createOrm({ ...serviceOrmOptions(config, url), driverLog: () => {} });
  const app = await startApp(config, orm, pino({ level: 'silent' }));
  return {
    app,
    orm,
    async ready() {
      const response = await fetch(`${app.url}ready`);
      return { status: response.status, body: (await response.json()) as unknown };
    },
    async close() {
      await app.close();
      await orm.close();
    },
  };
}

async function post(url: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal) {
  const response = await fetch(`${url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': USER },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  return { status: response.status, body: (await response.json()) as { errors?: { extensions: unknown }[] } };
}

it('a request waiting for a connection while the database does not answer gets a retryable 503 instead of hanging', async () => {
  const url = embeddedUrl(proxy.port, db.name, SERVICE_LOGIN);
  const orm = await createOrm({ url, poolMax: 1, acquireTimeoutMs: 300, driverLog: () => {} });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: url, DB_POOL_MAX: '1', DB_ACQUIRE_TIMEOUT_MS: '300' });
  const app = await startApp(config, orm, pino({ level: 'silent' }));
  const createProgram = async () => {
    const response = await fetch(`${app.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': USER },
      body: JSON.stringify({ query: CREATE_PROGRAM, variables: { input: upperLower() } }),
    });
    return { status: response.status, body: (await response.json()) as { errors?: { extensions: unknown }[] } };
  };
  // The pool's one connection, pinned by a transaction that stays open.
  const holder = orm.em.fork() as EntityManager;
  await holder.begin();
  await holder.execute('select 1');
  try {
    proxy.mode = 'silent';

    // Waiting for the pinned connection: the pool is full.
    const whilePinned = await createProgram();
    expect(whilePinned.status).toBe(503);
    expect(whilePinned.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });

    // The pinned connection is lost too: a new one cannot be opened, the server never answers.
    proxy.cutAll();
    await holder.rollback().catch(() => {});
    const noConnection = await inTransaction(orm.em.fork(), async () => 1).catch((error: unknown) => error);
    expect(noConnection).toBeInstanceOf(ConnectionException);
    expect(isTransientDatabaseError(noConnection)).toBe(true);
    const whileDown = await createProgram();
    expect(whileDown.status).toBe(503);
    expect(whileDown.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });

    // The database answers again: so does the service, without a restart.
    proxy.mode = 'pass';
    proxy.cutAll();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) status = (await createProgram()).status;
    expect(status).toBe(200);
    expect(statementPoolOf(orm.em).waitingCount).toBe(0);
  } finally {
    proxy.mode = 'pass';
    proxy.cutAll();
    await app.close();
    await orm.close();
  }
});

describe('a database that stops answering in the middle of a statement', () => {
  it('fails the request with a retryable 503 instead of hanging, and the service recovers once it answers again', async () => {
    // An acquire timeout past the hang bound: only the bound on an answer can end the request in time.
    const { app, orm, close } = await serviceBehindProxy({ DB_STATEMENT_TIMEOUT_MS: '300', DB_ACQUIRE_TIMEOUT_MS: String(HANG_MS * 2) });
    const createProgram = (signal?: AbortSignal) => post(app.url, CREATE_PROGRAM, { input: upperLower() }, signal);
    try {
      // The pool's one connection is open and idle: the next transaction's BEGIN goes out on it.
      expect((await createProgram()).status).toBe(200);
      proxy.freeze();
      const frozen = await createProgram(AbortSignal.timeout(HANG_MS));
      expect(frozen.status).toBe(503);
      expect(frozen.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      // The connection that got no answer was given up, not handed out again.
      expect(statementPoolOf(orm.em).totalCount).toBe(0);

      proxy.thaw();
      expect((await createProgram(AbortSignal.timeout(HANG_MS))).status).toBe(200);
    } finally {
      proxy.thaw();
      proxy.cutAll();
      await close();
    }
  });

  it('fails a statement outside a transaction, on either pool, as a lost connection that did not answer, and replaces the connection', async () => {
    const url = embeddedUrl(proxy.port, db.name, SERVICE_LOGIN);
    const orm = await createOrm({ url, poolMax: 1, acquireTimeoutMs: HANG_MS * 2, timeouts: { statementMs: 300, lockMs: 300, idleInTransactionMs: 10_000 }, driverLog: () => {} });
    const backend = () => queryRows(orm.em.fork(), 'backendPid', 'select pg_backend_pid() as pid', [], z.object({ pid: z.number() }));
    // Through the entities' query builder, on MikroORM's own pool (version trees on a cache miss).
    const trees = () => selectVersionTrees(orm.em.fork(), USER, [USER]);
    try {
      const [before] = await backend();
      expect(await trees()).toEqual([]);
      proxy.freeze();
      for (const statement of [backend(), trees()] as Promise<unknown>[]) {
        const error = await within(HANG_MS, statement);
        expect(error).toBeInstanceOf(ConnectionException);
        expect((error as Error).message).toMatch(/the database did not answer within 1300 ms/);
        expect(isTransientDatabaseError(error)).toBe(true);
      }
      proxy.thaw();
      const [after] = await backend();
      expect(after!.pid).not.toBe(before!.pid);
      expect(await trees()).toEqual([]);
    } finally {
      proxy.thaw();
      proxy.cutAll();
      await orm.close();
    }
  });

  it("/ready says the database is unreachable when the probe's connection is lost, not that the pool is exhausted", async () => {
    const { ready, close } = await serviceBehindProxy();
    try {
      expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
      // The probe's statement is sent and gets no answer; then its connection is cut (pg's error carries no SQLSTATE).
      proxy.freeze();
      const probe = ready();
      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.cutAll();
      expect(await probe).toEqual({ status: 503, body: { status: 'database unreachable', reason: 'the database connection was lost' } });
    } finally {
      proxy.thaw();
      proxy.cutAll();
      await close();
    }
  });

  it('/ready says the database is unreachable when the probe gets no answer within its budget, not that the pool is exhausted', async () => {
    const { ready, close } = await serviceBehindProxy();
    try {
      expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
      // Nothing is cut: the probe's statement is sent on an idle connection and no answer comes before the probe's budget ends.
      proxy.freeze();
      expect(await within(HANG_MS, ready())).toEqual({ status: 503, body: { status: 'database unreachable', reason: 'the database did not answer within 900 ms' } });
      proxy.thaw();
      // The connection that got no answer is given up (query_timeout); a new one serves the next probe.
      let again: unknown;
      for (const deadline = Date.now() + HANG_MS; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
        again = await ready();
        if ((again as { status: number }).status === 200) break;
      }
      expect(again).toEqual({ status: 200, body: { status: 'ready' } });
    } finally {
      proxy.thaw();
      proxy.cutAll();
      await close();
    }
  });

  it("bounds the wait for an answer only where the server bounds every statement: the service's pools, not an operator command's", async () => {
    const url = embeddedUrl(proxy.port, db.name, SERVICE_LOGIN);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '4000' });
    const service = await createOrm(serviceOrmOptions(config, url));
    const operator = await createOrm({ url });
    try {
      const clientBound = (orm: typeof service) => ({
        statementPool: statementPoolOf(orm.em).options.query_timeout,
        ormPool: (orm.config.get('driverOptions') as { connection?: { query_timeout?: number } }).connection?.query_timeout,
      });
      expect(clientBound(service)).toEqual({ statementPool: 5000, ormPool: 5000 });
      expect(clientBound(operator)).toEqual({ statementPool: undefined, ormPool: undefined });
    } finally {
      await Promise.all([service.close(), operator.close()]);
    }
  });
});
