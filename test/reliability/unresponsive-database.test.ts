import { ConnectionException, type EntityManager } from '@mikro-orm/postgresql';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { embeddedUrl, SERVICE_LOGIN } from '../../src/db/embedded-database.js';
import { createOrm } from '../../src/db/orm.js';
import { statementPoolOf } from '../../src/db/statement-pool.js';
import { inTransaction } from '../../src/db/transaction.js';
import { isTransientDatabaseError } from '../../src/db/transient-errors.js';
import { startApp } from '../../src/server/app.js';
import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { startDatabaseProxy, type DatabaseProxy } from '../support/database-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
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
