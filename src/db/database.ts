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
  /** Stops the embedded server if this process started it; no-op otherwise. */
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
  await createDatabaseIfMissing(server.adminUrl, EMBEDDED_DATABASE);
  await ensureServiceLogin(server.adminUrl, SERVICE_LOGIN);
  return {
    url: embeddedUrl(server.port, EMBEDDED_DATABASE, SERVICE_LOGIN),
    migrationUrl: embeddedUrl(server.port, EMBEDDED_DATABASE),
    async release() {
      if (!server.owned) return;
      // Another process (`npm start`, a second command) may have attached since: leave the server to it.
      if ((await otherClients(server.adminUrl)) > 0) {
        log('embedded PostgreSQL left running: other processes are connected to it');
        return;
      }
      await server.stop();
    },
  };
}

async function otherClients(adminUrl: string): Promise<number> {
  const client = new pg.Client(adminUrl);
  try {
    await client.connect();
    const { rows } = await client.query(
      "/* countOtherClients */ select count(*)::int as n from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend'",
    );
    return rows[0]?.n ?? 0;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => {});
  }
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
