import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabaseIfMissing } from '../../src/db/database.js';
import { embeddedUrl, SERVICE_LOGIN, startEmbeddedDatabase } from '../../src/db/embedded-database.js';
import { migrateUp } from '../../src/db/migrator.js';
import { createOrm } from '../../src/db/orm.js';
import { ensureServiceLogin } from '../../src/db/service-login.js';

export const TEMPLATE_DATABASE = 'template_training';

/**
 * One embedded PostgreSQL for the whole run, in a fresh directory, with a
 * template database migrated once (as the superuser) and the service's login
 * role (a member of `training_runtime`); each test file clones the template into a
 * database of its own (`test/support/test-database.ts`).
 */
export async function startTestDatabase(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'training-subgraph-test-'));
  const port = await freePort();
  const server = await startEmbeddedDatabase({
    dir,
    port,
    // Durability is not under test; speed is.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
  });
  await createDatabaseIfMissing(server.adminUrl, TEMPLATE_DATABASE);
  const orm = await createOrm({ url: embeddedUrl(port, TEMPLATE_DATABASE), poolMax: 2 });
  await migrateUp(orm);
  await orm.close();
  // The embedded default's login, as `npm start` sets it up: test apps connect as it.
  await ensureServiceLogin(server.adminUrl, SERVICE_LOGIN);
  process.env.TEST_PG_PORT = String(port);
  process.env.TEST_PG_DIR = dir;
  (globalThis as Record<string, unknown>).__testDatabaseServer = server;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
