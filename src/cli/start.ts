import './v8-flags.js';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { locateDatabase } from '../db/database.js';
import { checkDatabaseRole, PrivilegedRoleRefused } from '../db/database-role.js';
import { isAlive } from '../db/embedded-leases.js';
import { migrateUp, pendingMigrations } from '../db/migrator.js';
import { createOrm, serviceOrmOptions } from '../db/orm.js';
import { FlagFileError, readFlagFile } from '../flags/flag-file.js';
import { DEMO_USERS } from '../seed/demo-data.js';
import { seedIfEmpty } from '../seed/seed-if-empty.js';
import { startApp } from '../server/app.js';
import { createLogger } from '../server/logger.js';
import { failureMessage } from './failure-message.js';

/**
 * `npm start`: migrate, seed an empty database, serve. SIGINT/SIGTERM (or the
 * npm process that started it going away) stop everything it started: the
 * HTTP server after draining, the pool, and the embedded PostgreSQL unless
 * another process still uses it. A start-up failure is one log line, exit 1;
 * a bad configuration, exit 2.
 */
const started = Date.now();
let config: Config;
try {
  config = loadConfig();
  // Checked again when the app starts on it; here so a bad file fails before the database starts.
  if (config.FLAGS_FILE) readFlagFile(config.FLAGS_FILE);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError || error instanceof FlagFileError ? error.message : String(error)}\n`);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL);

/** What start-up has opened so far, closed in reverse order on the way out. */
const opened: (() => Promise<void>)[] = [];
let phase: 'starting' | 'serving' | 'stopping' = 'starting';
let databaseUrl: string | undefined = config.DATABASE_URL;

class StopRequested extends Error {}
const stillStarting = () => {
  if (phase === 'stopping') throw new StopRequested();
};

async function closeAll(): Promise<void> {
  for (const close of opened.splice(0).reverse()) {
    await close().catch((error: unknown) => log.warn(`while stopping: ${failureMessage(error, databaseUrl)}`));
  }
}

function stop(reason: string): void {
  if (phase === 'stopping') return;
  const serving = phase === 'serving';
  phase = 'stopping';
  log.info({ reason }, 'shutting down: draining requests');
  setTimeout(() => {
    log.error('shutdown took over 15 s: exiting without finishing it');
    process.exit(1);
  }, 15_000).unref();
  // While starting, the start-up sees `phase` at its next step and closes what it opened.
  if (serving) void closeAll().then(() => {
    log.info('stopped');
    process.exit(0);
  });
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
if (process.env.npm_lifecycle_event === 'start') watchParent(() => stop('the npm process that started this server exited'));

try {
  const location = await locateDatabase(config, (line) => log.debug({ postgres: line }));
  opened.push(() => location.release());
  databaseUrl = location.url;
  stillStarting();
  const orm = await createOrm({ ...serviceOrmOptions(config, location.url), driverLog: (message) => log.warn({ driver: message }, 'database driver warning') });
  opened.push(() => orm.close());
  if ((await pendingMigrations(orm)).length > 0) {
    // Migrations run as the migration role, with no request timeouts; the service keeps its own, least-privileged login.
    const migrationOrm = await createOrm({ url: location.migrationUrl, poolMax: 1 });
    const applied = await migrateUp(migrationOrm).finally(() => migrationOrm.close());
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  stillStarting();
  await checkDatabaseRole(orm, config, (warning) => log.warn(warning));
  if (config.SEED_DEMO_DATA === 'on') {
    const seeded = await seedIfEmpty(location.url);
    if (seeded) log.info({ ...seeded, users: DEMO_USERS }, 'seeded demo data (send x-user-id with one of these users)');
    stillStarting();
  }
  const app = await startApp(config, orm, log);
  opened.push(() => app.close());
  stillStarting();
  phase = 'serving';
  log.info({ url: app.url, startupMs: Date.now() - started, authMode: config.AUTH_MODE }, `training subgraph ready at ${app.url}`);
} catch (error) {
  const requested = error instanceof StopRequested;
  const refused = error instanceof PrivilegedRoleRefused || error instanceof FlagFileError;
  // Like a configuration error: the operator's to fix, on stderr.
  if (refused) process.stderr.write(`${error.message}\n`);
  else if (!requested) log.fatal(`start-up failed: ${failureMessage(error, databaseUrl)}`);
  await closeAll();
  process.exit(requested ? 0 : refused ? 2 : 1);
}

/**
 * npm 11 relays SIGTERM to the shell that runs the script, which dies without
 * passing it on: the server would keep running, holding the port and the
 * embedded PostgreSQL. So a server started by npm also stops once its parent
 * is gone (it is then re-parented).
 */
function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (currentParent() !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, 500);
  timer.unref();
}

function currentParent(): number {
  try {
    // process.ppid is read once at start-up; /proc has the live value on Linux.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return isAlive(process.ppid) ? process.ppid : -1;
  }
}
