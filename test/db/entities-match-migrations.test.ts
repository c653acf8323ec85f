import { DatabaseSchema, SchemaComparator, type MikroORM, type SchemaDifference } from '@mikro-orm/postgresql';
import { migrateUp } from '../../src/db/migrator.js';
import { entities } from '../../src/db/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The entities are the one description of the data, the migrations what
 * databases really hold: MikroORM's own schema diff between the two must be
 * empty. What the diff is told to ignore, and why:
 * - the backfill's bookkeeping tables (`backfill_runs`, `backfill_items`):
 *   operator-command state outside the model, written by the backfill alone;
 *   `schema_migrations` is left out by MikroORM itself;
 * - `history_watermarks`: per-user counters the database's own triggers move
 *   (Migration0010HistoryWatermarks); the service only reads them, in SQL;
 * - the three composite foreign keys that bind a row to a workout of the SAME
 *   version ((program_version_id, workout id) → program_version_workouts
 *   (program_version_id, id)): a MikroORM relation can only reference a
 *   primary key, so the entities map those columns as plain relations without
 *   a constraint of their own, and the diff would drop these.
 * Triggers and functions (immutability, append-only history, the revision
 * counter) are not part of MikroORM's schema model at all; migration tests
 * cover them.
 */
const SKIPPED_TABLES = ['backfill_runs', 'backfill_items', 'history_watermarks'];
const COMPOSITE_FOREIGN_KEYS: Record<string, string> = {
  program_version_exercises: 'program_version_exercises_workout_fk',
  program_version_schedule: 'program_version_schedule_workout_fk',
  workout_sessions: 'workout_sessions_workout_version_fk',
};

let db: TestDatabase;
let orm: MikroORM;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  orm = await db.migrationOrm();
  await migrateUp(orm);
});
afterAll(async () => db.close());

async function diffAgainstMigrations(): Promise<SchemaDifference> {
  const platform = orm.em.getPlatform();
  const migrated = await DatabaseSchema.create(orm.em.getConnection(), platform, orm.config, undefined, undefined, undefined, SKIPPED_TABLES);
  return new SchemaComparator(platform).compare(migrated, orm.schema.getTargetSchema());
}

describe('entities and migrations', () => {
  it('register one entity per table of the model, seven in all', () => {
    expect(entities.map((e) => e.meta.tableName).sort()).toEqual([
      'program_version_exercises',
      'program_version_schedule',
      'program_version_workouts',
      'program_versions',
      'programs',
      'workout_session_sets',
      'workout_sessions',
    ]);
  });

  it("MikroORM's schema diff from the migrated database to the entities is empty (ignoring only the composite same-version foreign keys)", async () => {
    const diff = await diffAgainstMigrations();
    const ignored: string[] = [];
    for (const [table, name] of Object.entries(COMPOSITE_FOREIGN_KEYS)) {
      const removed = diff.changedTables[`public.${table}`]?.removedForeignKeys ?? {};
      // The ignored keys must really exist in the migrated database, or the ignore list is stale.
      expect(Object.keys(removed)).toContain(name);
      delete removed[name];
      ignored.push(name);
    }
    expect(ignored).toHaveLength(3);
    expect(await orm.schema.diffToSQL(diff, { wrap: false, safe: false, dropTables: true })).toBe('');
  });

  it('sees a difference when an entity and the database disagree (the check can fail)', async () => {
    await db.sql.query('alter table program_version_workouts add column drifted text');
    try {
      const diff = await diffAgainstMigrations();
      expect(Object.keys(diff.changedTables['public.program_version_workouts']?.removedColumns ?? {})).toEqual(['drifted']);
    } finally {
      await db.sql.query('alter table program_version_workouts drop column drifted');
    }
  });
});
