import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * `npm start` and the commands as operators run them: real child processes,
 * each in a process group of its own (as a terminal or an orchestrator runs
 * them), with their output kept for assertions.
 */

const ROOT = process.cwd();

export interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const started = new Set<Running>();

/** Spawns `command` (e.g. `npm`, `node_modules/.bin/tsx`) from the project root with `env` on top of a clean environment. */
export function run(command: string, args: readonly string[], env: Record<string, string>): Running {
  const child = spawn(command, args, {
    cwd: ROOT,
    // npm_* variables of the `npm test` around us must not leak into the npm below.
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root', NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const running: Running = { child, exited, output: () => out };
  started.add(running);
  return running;
}

export const npmStart = (env: Record<string, string>) => run('npm', ['start'], env);
export const command = (script: string, args: readonly string[], env: Record<string, string>) =>
  run(join(ROOT, 'node_modules', '.bin', 'tsx'), [`src/cli/${script}.ts`, ...args], env);

/**
 * For afterAll: SIGKILL to the process group of every process this file
 * started, exited or not: a server that outlived its npm (the bug under test)
 * is still in that group.
 */
export async function killStillRunning(): Promise<void> {
  await Promise.all(
    [...started].map(async (r) => {
      try {
        process.kill(-r.child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
      await r.exited;
    }),
  );
}

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true, or fails after `timeoutMs` naming `what`. */
export async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function readyStatus(port: number): Promise<number | null> {
  return fetch(`http://127.0.0.1:${port}/ready`).then(
    (r) => r.status,
    () => null,
  );
}

/** Pid of the live postmaster of the embedded cluster under `dataDir`, or null. */
export function postmaster(dataDir: string): number | null {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Every line a process wrote that is not JSON (a stack trace, a stray driver message), npm's banner aside. */
export function nonJsonLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('> '))
    .filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
}

/**
 * A `DATA_DIR` and ports of one test file's own, for `npm start` and commands
 * on an embedded server of their own; whatever is still running when the file
 * ends is stopped and the directory removed. Fields are set in `beforeAll`.
 */
export function embeddedScratch(prefix: string, stopTimeoutMs = 30_000): { dataDir: string; port: number; env: Record<string, string> } {
  const scratch = { dataDir: '', port: 0, env: {} as Record<string, string> };
  beforeAll(async () => {
    scratch.dataDir = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(scratch.dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach DATA_DIR/pg
    scratch.port = await freePort();
    scratch.env = { DATA_DIR: scratch.dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(scratch.port), SEED_DEMO_DATA: 'off' };
  });
  afterAll(async () => {
    await killStillRunning();
    const left = postmaster(scratch.dataDir);
    if (left) process.kill(left, 'SIGINT');
    await waitFor('the leftover postmaster to exit', () => postmaster(scratch.dataDir) === null, stopTimeoutMs).catch(() => {});
    rmSync(scratch.dataDir, { recursive: true, force: true });
  });
  return scratch;
}
