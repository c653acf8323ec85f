import pg from 'pg';
import { embeddedUrl } from '../../src/db/embedded-database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Runs `work` on a database of its own and drops it afterwards: property runs
 * (and their shrinks) each need a fresh one, and hundreds of leftover clones
 * would fill the test server's disk.
 */
export async function withFreshDatabase<T>(work: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await createTestDatabase();
  try {
    return await work(db);
  } finally {
    await db.close();
    await dropDatabase(db.name);
  }
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client(embeddedUrl(Number(process.env.TEST_PG_PORT), 'postgres'));
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
}
