import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Every process the bench starts, so that all of them are stopped — on success,
 * on failure and on Ctrl-C. Each child leads its own process group (tsx runs
 * the real program as a grandchild), and is stopped by that group's id.
 */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The last lines the child wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const children = new Set<Child>();
const TAIL_CHARS = 4000;

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with every chunk of stdout. */
  readonly onStdout?: (chunk: string) => void;
}

export function spawnChild(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const proc = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  proc.stdout!.on('data', (chunk: Buffer) => {
    keep(chunk);
    options.onStdout?.(chunk.toString('utf8'));
  });
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
    proc.once('error', (error) => {
      tail += `\n${error.message}`;
      resolve(127);
    });
  });
  const child: Child = {
    name,
    process: proc,
    exited,
    output: () => tail,
    async stop() {
      children.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      signalGroup(proc, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(proc, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      // The group may outlive its leader (tsx's grandchild, an embedded PostgreSQL
      // shutting down): give it time to finish, then make sure it is gone.
      for (let i = 0; i < 200 && groupAlive(proc); i++) await new Promise((r) => setTimeout(r, 50));
      signalGroup(proc, 'SIGKILL');
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

function signalGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(proc: ChildProcess): boolean {
  if (proc.pid === undefined) return false;
  try {
    process.kill(-proc.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops every child still running (in parallel). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop().catch(() => {})));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls `probe` until it resolves true; fails with the child's output when it exits first or time runs out. */
export async function waitUntil(child: Child, what: string, probe: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 50): Promise<number> {
  const started = performance.now();
  let exited: number | null | undefined;
  void child.exited.then((code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`${child.name} exited (code ${exited}) before ${what}:\n${child.output()}`);
    if (await probe().catch(() => false)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${child.name}: no ${what} after ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
