import { migrateUp } from '../src/db/migrator.js';
import { createOrm } from '../src/db/orm.js';
import type { BenchPostgres } from './bench-postgres.js';
import { seedCorpus, type CorpusCounts, type CorpusShape } from './seed-corpus.js';

export interface SeededCorpus {
  readonly database: string;
  readonly users: number;
  readonly counts: CorpusCounts;
  readonly seedMs: number;
}

/** A new database, migrated with the project's migrations, holding the legacy corpus (not yet backfilled). */
export async function createCorpusDatabase(pgs: BenchPostgres, database: string, shape: CorpusShape, log: (line: string) => void): Promise<SeededCorpus> {
  await pgs.createDatabase(database);
  const orm = await createOrm({ url: pgs.url(database), poolMax: 2 });
  try {
    await migrateUp(orm);
  } finally {
    await orm.close();
  }
  const started = performance.now();
  let lastLine = 0;
  const counts = await seedCorpus(pgs.url(database), shape, (line) => {
    if (performance.now() - lastLine > 5000 || line.startsWith('seed:')) {
      lastLine = performance.now();
      log(`  ${line}`);
    }
  });
  const seedMs = performance.now() - started;
  log(`${database}: ${shape.users} athletes + ${shape.libraryUsers} library users; ${counts.programs} programs, ${counts.sessions} sessions, ${counts.sets} sets seeded in ${(seedMs / 1000).toFixed(1)} s`);
  return { database, users: shape.users, counts, seedMs };
}
