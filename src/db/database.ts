import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';
import { embeddedUrl, SERVICE_LOGIN, startEmbeddedDatabase } from './embedded-database.js';
import { ensureServiceLogin } from './service-login.js';

export interface DatabaseLocation {
  /** What the service and the operator commands connect as. */
  readonly url: string;
  /** What migrations connect as: a role that owns the tables (or a superuser). */
  readonly migrationUrl: string;
  /** Ends this process's use of the embedded server (stopped when it was the last user); no-op for `DATABASE_URL`. */
  release(): Promise<void>;
}

const EMBEDDED_DATABASE = 'training';

/**
 * `DATABASE_URL` (migrations: `MIGRATION_DATABASE_URL` when set) or else the
 * embedded server under `DATA_DIR`, started if needed: there the service runs
 * as a login role in `training_runtime` and migrations as the superuser.
 */
export async function locateDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'MIGRATION_DATABASE_URL' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'>,
  log: (line: string) => void = () => {},
): Promise<DatabaseLocation> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, migrationUrl: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, release: async () => {} };
  }
  const server = await startEmbeddedDatabase({ dir: join(config.DATA_DIR, 'pg'), port: config.EMBEDDED_PG_PORT, log });
  try {
    await createDatabaseIfMissing(server.adminUrl, EMBEDDED_DATABASE);
    await ensureServiceLogin(server.adminUrl, SERVICE_LOGIN);
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
  return {
    url: embeddedUrl(server.port, EMBEDDED_DATABASE, SERVICE_LOGIN),
    migrationUrl: embeddedUrl(server.port, EMBEDDED_DATABASE),
    // Stops the server only when no other process (`npm start`, another command) still uses it.
    release: () => server.stop(),
  };
}

export async function createDatabaseIfMissing(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    const { rowCount } = await client.query('/* databaseExists */ select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) {
      const from = template ? ` template ${client.escapeIdentifier(template)}` : '';
      await client.query(`create database ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}
