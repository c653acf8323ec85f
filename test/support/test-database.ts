import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createDatabaseIfMissing } from '../../src/db/database.js';
import { embeddedUrl } from '../../src/db/embedded-database.js';
import { createOrm } from '../../src/db/orm.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly orm: MikroORM;
  /** A plain client for assertions and fixtures, outside the ORM. */
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
  const url = embeddedUrl(port(), name);
  const orm = await createOrm({ url, poolMax: 20 });
  const sql = new pg.Pool({ connectionString: url, max: 4 });
  return {
    name,
    url,
    orm,
    sql,
    async close() {
      await orm.close();
      await sql.end();
    },
  };
}
