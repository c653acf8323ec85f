import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

/*
 * The backfill command as operators run it — a child process — and the means
 * to kill it hard (SIGKILL: no handler, no cleanup, exactly like a lost pod).
 */

const ROOT = process.cwd();
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface CliRun {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

const started = new Set<CliRun>();

export function startBackfillCli(databaseUrl: string, args: readonly string[]): CliRun {
  if (!existsSync(TSX)) throw new Error(`${TSX} is missing: run the tests from the project root`);
  const child = spawn(TSX, ['src/cli/backfill.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    // Its own process group: tsx runs the script in a child node process, and
    // SIGKILL cannot be relayed, so the whole group is killed at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const run: CliRun = { child, exited, stdout: () => out, stderr: () => err };
  started.add(run);
  void exited.then(() => started.delete(run));
  return run;
}

/** For afterAll: kills every command this file started that is still running (a failed test may leave one). */
export async function killStillRunning(): Promise<void> {
  await Promise.all([...started].map(killHard));
}

/** SIGKILL to the run's process group; resolves when the process is gone. */
export async function killHard(run: CliRun): Promise<void> {
  try {
    process.kill(-run.child.pid!, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  await run.exited;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Rows (programs + sessions) the running run has checkpointed, or null when no run is running. */
export async function checkpointedRows(sql: pg.Pool): Promise<number | null> {
  const { rows } = await sql.query(`/* testRunningProgress */ select counts from backfill_runs where status = 'running'`);
  const counts = rows[0]?.counts;
  return counts ? counts.programs.total + counts.sessions.total : null;
}

/** Resolves once no session holds an advisory lock in this database (a killed run's backend is gone). */
export async function advisoryLocksReleased(sql: pg.Pool): Promise<void> {
  await waitFor('the killed backfill to release its advisory lock', async () => {
    const { rows } = await sql.query(
      `/* testAdvisoryLocks */ select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
       where l.locktype = 'advisory' and d.datname = current_database()`,
    );
    return rows[0].n === 0 ? true : undefined;
  });
}
