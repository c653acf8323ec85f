import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killStillRunning, listening, nonJsonLines, npmStart, postmaster, readyStatus, waitFor } from './processes.js';

/**
 * `npm start` stopped as an orchestrator (SIGTERM to the npm process) or a
 * terminal (Ctrl-C: SIGINT to the whole process group) stops it: npm 11 relays
 * SIGTERM only to the shell running the script, which dies without passing it
 * on, so the server used to keep running, holding its port and the embedded
 * PostgreSQL, and the next start died with EADDRINUSE.
 */
let dataDir: string;
let env: Record<string, string>;
let port: number;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'training-signals-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach DATA_DIR/pg
  port = await freePort();
  env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(port), SEED_DEMO_DATA: 'off' };
});
afterAll(async () => {
  await killStillRunning();
  const left = postmaster(dataDir);
  if (left) process.kill(left, 'SIGINT');
  await waitFor('the leftover postmaster to exit', () => postmaster(dataDir) === null, 120_000).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

async function startServing() {
  const server = npmStart(env);
  await waitFor('npm start to be ready', async () => (await readyStatus(port)) === 200, 120_000).catch((error: Error) => {
    throw new Error(`${error.message}; it wrote:\n${server.output()}`);
  });
  const pg = postmaster(dataDir);
  expect(pg).not.toBeNull();
  return { server, pg: pg! };
}

async function expectEverythingStopped(pg: number) {
  await waitFor(`port ${port} to be free`, async () => !(await listening(port)), 30_000);
  await waitFor(`the embedded PostgreSQL (pid ${pg}) to stop`, () => postmaster(dataDir) === null, 30_000);
}

describe('stopping npm start', () => {
  it('SIGTERM to the npm process stops the server and the embedded PostgreSQL it started', async () => {
    const { server, pg } = await startServing();
    process.kill(server.child.pid!, 'SIGTERM');
    await server.exited;
    await expectEverythingStopped(pg);
    await waitFor('the server to log its clean stop', () => server.output().includes('"msg":"stopped"'), 30_000);
    expect(nonJsonLines(server.output())).toEqual([]);
  }, 180_000);

  it('Ctrl-C (SIGINT to the process group) stops everything too, and the next start serves on the same port', async () => {
    const first = await startServing();
    process.kill(-first.server.child.pid!, 'SIGINT');
    await first.server.exited;
    await expectEverythingStopped(first.pg);

    const second = await startServing();
    process.kill(second.server.child.pid!, 'SIGTERM');
    await second.server.exited; // npm's own exit status mirrors the signal; the server's clean stop is in its log
    await expectEverythingStopped(second.pg);
    await waitFor('the server to log its clean stop', () => second.server.output().includes('"msg":"stopped"'), 30_000);
    expect(nonJsonLines(second.server.output())).toEqual([]);
  }, 240_000);
});
