import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedUrl, startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded-database.js';
import { freePort } from './child-processes.js';

/**
 * The bench's own embedded PostgreSQL, in a fresh temporary directory (never
 * the developer's `.data/`), removed when stopped.
 *
 * shared_buffers is sized for the working set: with the 128 MB
 * default every contender would measure the disk cache. Durability is not
 * under test, so fsync and friends are off: that speeds seeding and the
 * backfill's writes alike for our runner and its SQL ceiling.
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '1GB',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  maintenance_work_mem: '512MB',
  max_connections: '200',
  // Counts the statements of the peer and the ceiling (ours reports its own in `x-sql-statements`).
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'top',
};

export interface BenchPostgres {
  readonly port: number;
  readonly dir: string;
  url(database: string): string;
  /** A copy of `template` (file copy: much faster than WAL-logging every page). */
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Runs `work` with a connection to the maintenance database. */
  admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(log: (line: string) => void): Promise<BenchPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'training-bench-pg-'));
  const port = await freePort();
  const trace = traceFile();
  let server: EmbeddedDatabase;
  try {
    server = await startEmbeddedDatabase({
      dir,
      port,
      postgresFlags: Object.entries({ ...POSTGRES_SETTINGS, ...(trace && TRACE_SETTINGS) }).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ...(trace && { log: (text: string) => appendFileSync(trace, `${text}\n`) }),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // Safety net for any way out of the process (an error, process.exit): no
  // server and no data directory may outlive the bench.
  const onExit = () => removeCluster(dir);
  process.on('exit', onExit);
  log(`postgres: embedded, port ${port}, data in ${dir}; ${Object.entries(POSTGRES_SETTINGS).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client(embeddedUrl(port, 'postgres'));
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    dir,
    url: (database) => embeddedUrl(port, database),
    createDatabase: (name, template) =>
      admin(async (c) => {
        await c.query(`create database ${c.escapeIdentifier(name)}${template ? ` template ${c.escapeIdentifier(template)} strategy file_copy` : ''}`);
      }),
    dropDatabase: (name) => admin(async (c) => void (await c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`))),
    admin,
    async stop() {
      // A ref'd timer keeps the event loop alive until the server is gone and its files removed.
      const keepAlive = setInterval(() => {}, 1000);
      try {
        await server.stop();
      } finally {
        clearInterval(keepAlive);
        removeCluster(dir);
        process.off('exit', onExit);
      }
    },
  };
}

/**
 * `BENCH_TRACE=<dir>`: PostgreSQL's log goes to `<dir>/postgresql.log`, with
 * its checkpoints, autovacuum runs, lock waits and every statement slower
 * than 100 ms, to lay beside the half load's stalls (bench/paced-load.ts).
 * Through the server's stderr, which the embedded start reads to know the
 * server is ready (a logging collector would take it away).
 */
const TRACE_SETTINGS: Readonly<Record<string, string>> = {
  log_checkpoints: 'on',
  log_autovacuum_min_duration: '0',
  log_lock_waits: 'on',
  log_min_duration_statement: '100',
};

function traceFile(): string | null {
  const dir = process.env.BENCH_TRACE;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  return join(dir, 'postgresql.log');
}

/** Stops a postmaster still serving `dir` (immediate shutdown) and deletes the directory. Synchronous: usable in an exit handler. */
function removeCluster(dir: string): void {
  const pidFile = join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
