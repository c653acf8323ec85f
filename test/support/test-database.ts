import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createDatabaseIfMissing } from '../../src/db/database.js';
import { embeddedUrl, SERVICE_LOGIN } from '../../src/db/embedded-database.js';
import { createOrm } from '../../src/db/orm.js';
import { adminPool } from './admin-pool.js';

export interface TestDatabase {
  readonly name: string;
  /**
   * The service's login role, a member of `training_runtime` (as in the
   * embedded default): what the app, `orm` and the commands connect as, so
   * every end-to-end test also proves the app works under least privilege.
   */
  readonly url: string;
  /** The superuser, who owns the tables: migrations, fixtures, assertions. */
  readonly adminUrl: string;
  readonly orm: MikroORM;
  /** An ORM as the superuser, for migrating up and down (created on first use). */
  migrationOrm(): Promise<MikroORM>;
  /** A plain client for assertions and fixtures, outside the ORM, as the superuser. */
  readonly sql: pg.Pool;
  close(): Promise<void>;
}

function port(): number {
  const value = Number(process.env.TEST_PG_PORT);
  if (!value) throw new Error('TEST_PG_PORT is not set: run the tests through jest (its global setup starts PostgreSQL)');
  return value;
}

/**
 * A database of this test file's own: a clone of the migrated template, or an
 * empty one (`{ migrated: false }`) for migration tests.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(embeddedUrl(port(), 'postgres'), name, options.migrated === false ? undefined : 'template_training');
  const url = embeddedUrl(port(), name, SERVICE_LOGIN);
  const adminUrl = embeddedUrl(port(), name);
  const orm = await createOrm({ url, poolMax: 20 });
  const sql = adminPool(adminUrl, 4);
  let migrationOrm: Promise<MikroORM> | null = null;
  return {
    name,
    url,
    adminUrl,
    orm,
    migrationOrm: () => (migrationOrm ??= createOrm({ url: adminUrl, poolMax: 2 })),
    sql,
    async close() {
      await orm.close();
      if (migrationOrm) await (await migrationOrm).close();
      await sql.end();
    },
  };
}
