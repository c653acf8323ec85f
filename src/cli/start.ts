import { ConfigError, loadConfig } from '../config.js';
import { locateDatabase } from '../db/database.js';
import { checkDatabaseRole, PrivilegedRoleRefused } from '../db/database-role.js';
import { migrateUp, pendingMigrations } from '../db/migrator.js';
import { createOrm } from '../db/orm.js';
import { DEMO_USERS } from '../seed/demo-data.js';
import { seedIfEmpty } from '../seed/seed-if-empty.js';
import { startApp } from '../server/app.js';
import { createLogger } from '../server/logger.js';

/** `npm start`: migrate, seed an empty database, serve; shut down cleanly on SIGINT/SIGTERM. */
const started = Date.now();
let config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL);
const location = await locateDatabase(config, (line) => log.debug({ postgres: line }));
const orm = await createOrm({ url: location.url, poolMax: config.DB_POOL_MAX, acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS });
if ((await pendingMigrations(orm)).length > 0) {
  // Migrations run as the migration role; the service keeps its own, least-privileged login.
  const migrationOrm = await createOrm({ url: location.migrationUrl, poolMax: 1 });
  const applied = await migrateUp(migrationOrm).finally(() => migrationOrm.close());
  if (applied.length) log.info({ applied }, 'migrations applied');
}
await checkDatabaseRole(orm, config, (warning) => log.warn(warning)).catch(async (error: unknown) => {
  if (!(error instanceof PrivilegedRoleRefused)) throw error;
  process.stderr.write(`${error.message}\n`);
  await orm.close();
  await location.release();
  process.exit(2);
});
if (config.SEED_DEMO_DATA === 'on') {
  const seeded = await seedIfEmpty(location.url);
  if (seeded) log.info({ ...seeded, users: DEMO_USERS }, 'seeded demo data (send x-user-id with one of these users)');
}
const app = await startApp(config, orm, log);
log.info({ url: app.url, startupMs: Date.now() - started, authMode: config.AUTH_MODE }, `training subgraph ready at ${app.url}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: draining requests');
  const force = setTimeout(() => process.exit(1), 15_000).unref();
  await app.close();
  await orm.close();
  await location.release();
  clearTimeout(force);
  log.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
