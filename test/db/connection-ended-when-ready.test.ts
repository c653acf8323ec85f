import { ConnectionException } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { embeddedUrl, SERVICE_LOGIN } from '../../src/db/embedded-database.js';
import { createOrm } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { statementPoolOf } from '../../src/db/statement-pool.js';
import { inTransaction } from '../../src/db/transaction.js';
import { isTransientDatabaseError } from '../../src/db/transient-errors.js';
import { classifyError } from '../../src/server/classify-error.js';
import { startDatabaseProxy, type DatabaseProxy } from '../support/database-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A PostgreSQL that shuts down while a connection is being opened can send
 * the connection's ReadyForQuery and its "terminating connection due to
 * administrator command" (57P01) in one packet. `pg` parses both at once: the
 * pool hands the client over (a promise, so the caller sees it a tick later)
 * and the client emits 'error' in between, with no listener — an uncaught
 * error that ends the process, seen as "Unhandled error" during a restart
 * under load. Here a proxy in front of the test database starts the ORM, then
 * answers every new connection exactly so: a transaction and a statement must
 * fail retryably, and the process must live.
 */
let db: TestDatabase;
let proxy: DatabaseProxy;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startDatabaseProxy(Number(process.env.TEST_PG_PORT));
});
afterEach(() => {
  proxy.mode = 'pass';
});
afterAll(async () => {
  await proxy.close();
  await db.close();
});

it('does not end the process: a transaction and a statement on such a connection fail retryably', async () => {
  const orm = await createOrm({ url: embeddedUrl(proxy.port, db.name, SERVICE_LOGIN), poolMax: 2, acquireTimeoutMs: 2000, driverLog: () => {} });
  try {
    proxy.mode = 'fatal on ready';
    proxy.cutAll();
    const pool = statementPoolOf(orm.em);
    while (pool.totalCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));

    const transaction = await inTransaction(orm.em.fork(), async () => 1).catch((error: unknown) => error);
    expect(transaction).toBeInstanceOf(ConnectionException);
    expect(isTransientDatabaseError(transaction)).toBe(true);

    const statement = await queryRows(orm.em.fork(), 'selectOne', 'select 1 as one', [], z.object({ one: z.number() })).catch((error: unknown) => error);
    expect(statement).toBeInstanceOf(Error);
    expect(isTransientDatabaseError(statement)).toBe(true);
  } finally {
    await orm.close();
  }
});

it('a transaction whose BEGIN meets a shutdown fails retryably at its first statement, not as a bug', async () => {
  const orm = await createOrm({ url: embeddedUrl(proxy.port, db.name, SERVICE_LOGIN), poolMax: 2, acquireTimeoutMs: 2000, driverLog: () => {} });
  try {
    proxy.mode = 'fatal on first query';
    proxy.cutAll();
    const pool = statementPoolOf(orm.em);
    while (pool.totalCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));

    const write = await inTransaction(orm.em.fork(), (tx) => queryRows(tx, 'selectOne', 'select 1 as one', [], z.object({ one: z.number() }))).catch((error: unknown) => error);
    expect(write).toBeInstanceOf(ConnectionException);
    expect(isTransientDatabaseError(write)).toBe(true);
    expect(classifyError(write).code).toBe('SERVICE_UNAVAILABLE');

    // The connection it failed on is not reused.
    expect(pool.totalCount).toBe(0);
    proxy.mode = 'pass';
    expect(await inTransaction(orm.em.fork(), (tx) => queryRows(tx, 'selectOne', 'select 1 as one', [], z.object({ one: z.number() })))).toEqual([{ one: 1 }]);
  } finally {
    proxy.mode = 'pass';
    await orm.close();
  }
});
