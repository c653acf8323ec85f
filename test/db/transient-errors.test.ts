import { ConnectionException, DriverException, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { createOrm } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { inTransaction } from '../../src/db/transaction.js';
import { isTransientDatabaseError } from '../../src/db/transient-errors.js';
import { classifyError } from '../../src/server/classify-error.js';
import { selectVersionTrees } from '../../src/store/version-store.js';
import { holdEveryConnection } from '../support/hold-connections.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * No free connection is a transient failure on every path — a transaction,
 * a read through the entities, a prepared read — recognised by MikroORM's
 * exception classes and pg's own errors, not by a driver's message text;
 * the request's own faults stay what they are.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const VERSION = '16000000-0000-4000-8000-000000000001';
const one = z.object({ one: z.number() });

it('a transaction that cannot begin, a tree load and a prepared read without a free connection are transient; a bug inside a transaction is not', async () => {
  const orm = await createOrm({ url: db.url, poolMax: 1, acquireTimeoutMs: 300 });
  const held = await holdEveryConnection(orm);
  try {
    const noTransaction = await inTransaction(orm.em.fork(), async () => 1).catch((error: unknown) => error);
    expect(noTransaction).toBeInstanceOf(ConnectionException);
    expect(isTransientDatabaseError(noTransaction)).toBe(true);

    const noTree = await selectVersionTrees(orm.em.fork(), VERSION, [VERSION]).catch((error: unknown) => error);
    expect(noTree).toBeInstanceOf(Error);
    expect(isTransientDatabaseError(noTree)).toBe(true);

    const noRead = await queryRows(orm.em.fork(), 'selectOne', 'select 1 as one', [], one).catch((error: unknown) => error);
    expect(noRead).toBeInstanceOf(Error);
    expect(isTransientDatabaseError(noRead)).toBe(true);
  } finally {
    await held.release();
  }
  try {
    const bug = await inTransaction(orm.em.fork(), async () => {
      throw new TypeError('a bug');
    }).catch((error: unknown) => error);
    expect(bug).toBeInstanceOf(TypeError);
    expect(isTransientDatabaseError(bug)).toBe(false);
    const syntax = await inTransaction(orm.em.fork(), (tx) => queryRows(tx, 'badSql', 'select from from', [], one)).catch((error: unknown) => error);
    expect(isTransientDatabaseError(syntax)).toBe(false);
    const badRead = await queryRows(orm.em.fork(), 'badSqlOutside', 'select from from', [], one).catch((error: unknown) => error);
    expect(isTransientDatabaseError(badRead)).toBe(false);
  } finally {
    await orm.close();
  }
});

it('a DriverException without SQLSTATE is not transient by itself: a statement sent in a transaction that has ended is our bug, a 500', async () => {
  const underneath = new DriverException(new Error('something the layers underneath threw'));
  expect(underneath.sqlState).toBeUndefined();
  expect(isTransientDatabaseError(underneath)).toBe(false);
  expect(classifyError(underneath).code).toBe('INTERNAL_SERVER_ERROR');

  const orm = await createOrm({ url: db.url, poolMax: 1 });
  try {
    // EntityManagers kept past the end of their transaction and of its savepoint, then used: MikroORM's own SQL.
    const kept: EntityManager[] = [];
    await inTransaction(orm.em.fork(), async (tx) => {
      kept.push(tx);
      await tx.transactional(async (savepoint) => void kept.push(savepoint as EntityManager));
    });
    for (const late of kept) {
      const error = await late.execute('select 1').then(
        () => 'it ran',
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(Error);
      expect(isTransientDatabaseError(error)).toBe(false);
      expect(classifyError(error).code).toBe('INTERNAL_SERVER_ERROR');
    }
  } finally {
    await orm.close();
  }
});
