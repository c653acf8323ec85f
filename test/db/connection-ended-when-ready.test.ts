import { connect, createServer, type Server, type Socket } from 'node:net';
import { ConnectionException } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { embeddedUrl, SERVICE_LOGIN } from '../../src/db/embedded-database.js';
import { createOrm } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { statementPoolOf } from '../../src/db/statement-pool.js';
import { inTransaction } from '../../src/db/transaction.js';
import { isTransientDatabaseError } from '../../src/db/transient-errors.js';
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
const FATAL_ON_READY = Buffer.concat([
  message('R', int32(0)), // AuthenticationOk
  message('Z', Buffer.from('I')), // ReadyForQuery, idle
  message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '57P01'), field('M', 'terminating connection due to administrator command'), Buffer.from([0])])),
]);

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function field(code: string, value: string): Buffer {
  return Buffer.from(`${code}${value}\0`);
}

let db: TestDatabase;
let proxy: Server;
let proxyPort: number;
let mode: 'pass' | 'fatal on ready' = 'pass';
const sockets = new Set<Socket>();

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'fatal on ready') {
      // The start-up message (no TLS is asked for), then everything in one write, then the end.
      socket.once('data', () => socket.end(FATAL_ON_READY));
      return;
    }
    const upstream = connect(Number(process.env.TEST_PG_PORT), '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await db.close();
});

it('does not end the process: a transaction and a statement on such a connection fail retryably', async () => {
  const orm = await createOrm({ url: embeddedUrl(proxyPort, db.name, SERVICE_LOGIN), poolMax: 2, acquireTimeoutMs: 2000, driverLog: () => {} });
  try {
    // From now on every new connection is ended as it becomes ready; the open ones are cut, so the pools must open new ones.
    mode = 'fatal on ready';
    for (const socket of sockets) socket.destroy();
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
