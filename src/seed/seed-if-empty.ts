import pg from 'pg';
import { seedDemoData, type SeedCounts } from './seed-demo.js';

/**
 * Seeds the demo data set when the database holds no program at all, in one
 * transaction; a database with any data is never touched.
 */
export async function seedIfEmpty(url: string, now = new Date()): Promise<SeedCounts | null> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('begin');
    // Two servers starting on one empty database must not both seed it.
    await client.query("/* lockSeed */ select pg_advisory_xact_lock(hashtext('training-subgraph:seed'))");
    const { rowCount } = await client.query('/* anyProgram */ select 1 from programs limit 1');
    if (rowCount !== 0) {
      await client.query('rollback');
      return null;
    }
    const counts = await seedDemoData((sql, params) => client.query(sql, params), now);
    await client.query('commit');
    return counts;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
