import type { MikroORM } from '@mikro-orm/postgresql';
import { LEGACY_SCHEMA_MIGRATION, migrations } from './migrations/index.js';

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
  const reverted = await orm.getMigrator().down();
  return reverted[0]?.name ?? null;
}

export async function migrationStatus(orm: MikroORM): Promise<MigrationState[]> {
  const executed = new Set((await orm.getMigrator().getExecutedMigrations()).map((m) => m.name));
  return migrations.map((m) => ({ name: m.name, applied: executed.has(m.name) }));
}
