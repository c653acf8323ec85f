import { ConfigError, loadConfig } from '../config.js';
import { locateDatabase } from '../db/database.js';
import { migrateUp } from '../db/migrator.js';
import { createOrm, serviceOrmOptions } from '../db/orm.js';
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
const orm = await createOrm({ ...serviceOrmOptions(config, location.url), driverLog: (message) => log.warn({ driver: message }, 'database driver warning') });
const applied = await migrateUp(orm);
if (applied.length) log.info({ applied }, 'migrations applied');
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
