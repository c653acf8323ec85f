import type { MikroORM } from '@mikro-orm/postgresql';
import { LEGACY_SCHEMA_MIGRATION, migrations, VERSION_TABLES_MIGRATION } from './migrations/index.js';

export interface MigrationState {
  readonly name: string;
  readonly applied: boolean;
}

export class MigrationRefused extends Error {
  override name = 'MigrationRefused';
}

/** Applies every pending migration, each in its own transaction; returns the names applied. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}

/**
 * Reverts the latest migration only. The legacy-schema migration is never
 * reverted: its `down` would drop every user's programs and history.
 */
export async function migrateDown(orm: MikroORM): Promise<string | null> {
  const executed = await orm.getMigrator().getExecutedMigrations();
  const latest = executed.at(-1);
  if (!latest) return null;
  if (latest.name === LEGACY_SCHEMA_MIGRATION) {
    throw new MigrationRefused(
      `refusing to revert ${LEGACY_SCHEMA_MIGRATION}: it created the legacy tables, and reverting it would delete all programs and history`,
    );
  }
  // Refused from the first step of the rollback path on, not only at the version
  // tables themselves: reverting the later migrations first would leave the
  // operator without the commands (restore-legacy, verify) that need them.
  if (migrations.findIndex((m) => m.name === latest.name) >= migrations.findIndex((m) => m.name === VERSION_TABLES_MIGRATION)) {
    await refuseIfBlobsAreBehind(orm);
  }
  const reverted = await orm.getMigrator().down();
  return reverted[0]?.name ?? null;
}

/**
 * Names of the migrations not applied yet, read with any role that may read
 * `schema_migrations` — the service's own included. MikroORM's own check
 * creates the table when it cannot see it, which a least-privilege role may
 * not do: a table that is missing or unreadable counts as nothing applied.
 */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const [state] = await orm.em.getConnection().execute<{ readable: boolean }[]>(
    `/* migrationsReadable */ select case when to_regclass('schema_migrations') is null then false
       else has_table_privilege('schema_migrations', 'select') end as readable`,
  );
  if (!state?.readable) return migrations.map((m) => m.name);
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

export async function migrationStatus(orm: MikroORM): Promise<MigrationState[]> {
  const executed = new Set((await orm.getMigrator().getExecutedMigrations()).map((m) => m.name));
  return migrations.map((m) => ({ name: m.name, applied: executed.has(m.name) }));
}

/**
 * Dropping the version tables is safe only while every program's blob holds
 * its current content; after Phase 5 edits, `npm run restore-legacy` first.
 */
async function refuseIfBlobsAreBehind(orm: MikroORM): Promise<void> {
  const [row] = await orm.em.getConnection().execute<{ behind: number }[]>(
    `/* countBlobsBehindVersions */ select count(*)::int as behind from programs
     where legacy_json_version_id is not null and current_version_id is distinct from legacy_json_version_id`,
  );
  const behind = row?.behind ?? 0;
  if (behind > 0) {
    throw new MigrationRefused(
      `refusing to revert the versioning migrations: ${behind} program(s) have versions newer than their legacy blob; run \`npm run restore-legacy\` first`,
    );
  }
}
