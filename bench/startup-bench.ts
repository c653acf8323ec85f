import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnChild } from './child-processes.js';

/**
 * Start-up as an operator sees it: from spawning `tsx src/cli/start.ts` to
 * its first successful GraphQL answer that reads the database. Cold: a fresh
 * DATA_DIR (embedded PostgreSQL initialised, migrated, demo data seeded) and
 * tsx's transform cache off, as on a fresh clone; warm: the same DATA_DIR
 * again, cache on.
 */
export interface StartupFigures {
  readonly coldMs: number;
  readonly warmMs: number;
}

const DEMO_USER = '11111111-1111-4111-8111-111111111111';

export async function benchStartup(root: string, log: (line: string) => void): Promise<StartupFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'training-bench-startup-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach DATA_DIR/pg (mkdtemp makes it 0700).
  chmodSync(dataDir, 0o755);
  try {
    const coldMs = await startOnce(root, dataDir, true);
    log(`start-up: cold ${(coldMs / 1000).toFixed(1)} s`);
    const warmMs = await startOnce(root, dataDir, false);
    log(`start-up: warm ${(warmMs / 1000).toFixed(1)} s`);
    return { coldMs, warmMs };
  } finally {
    killLeftoverPostgres(join(dataDir, 'pg'));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startOnce(root: string, dataDir: string, cold: boolean): Promise<number> {
  const [port, pgPort] = [await freePort(), await freePort()];
  const started = performance.now();
  const child = spawnChild(cold ? 'start (cold)' : 'start (warm)', join(root, 'node_modules', '.bin', 'tsx'), [...(cold ? ['--no-cache'] : []), 'src/cli/start.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), PORT: String(port), METRICS_PORT: '0', LOG_LEVEL: 'silent' },
  });
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    let exited: number | null | undefined;
    void child.exited.then((code) => (exited = code));
    for (;;) {
      if (exited !== undefined) throw new Error(`npm start exited (code ${exited}) before answering:\n${child.output()}`);
      if (await firstAnswer(url)) return performance.now() - started;
      if (performance.now() - started > 180_000) throw new Error(`npm start did not answer within 180 s:\n${child.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await child.stop();
    await waitForPostgresExit(join(dataDir, 'pg'));
  }
}

async function firstAnswer(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': DEMO_USER },
      body: JSON.stringify({ query: '{ programs { id name } }' }),
    });
    const body = (await response.json()) as { data?: { programs?: unknown[] }; errors?: unknown };
    return response.ok && !body.errors && Array.isArray(body.data?.programs);
  } catch {
    return false;
  }
}

function postmasterPid(pgDir: string): number | null {
  const file = join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid)) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function waitForPostgresExit(pgDir: string): Promise<void> {
  for (let i = 0; i < 200 && postmasterPid(pgDir) !== null; i++) await new Promise((r) => setTimeout(r, 50));
}

/** The embedded server this bench's `npm start` left behind, if any (by its pid file): stop it. */
function killLeftoverPostgres(pgDir: string): void {
  const pid = postmasterPid(pgDir);
  if (pid !== null) process.kill(pid, 'SIGQUIT');
}
