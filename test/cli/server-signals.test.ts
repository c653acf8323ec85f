import { embeddedScratch, listening, nonJsonLines, npmStart, postmaster, readyStatus, waitFor } from './processes.js';

/**
 * `npm start` stopped as an orchestrator (SIGTERM to the npm process) or a
 * terminal (Ctrl-C: SIGINT to the whole process group) stops it: npm 11 relays
 * SIGTERM only to the shell running the script, which dies without passing it
 * on, so the server used to keep running, holding its port and the embedded
 * PostgreSQL, and the next start died with EADDRINUSE.
 */
const scratch = embeddedScratch('training-signals-', 120_000);

async function startServing() {
  const server = npmStart(scratch.env);
  await waitFor('npm start to be ready', async () => (await readyStatus(scratch.port)) === 200, 120_000).catch((error: Error) => {
    throw new Error(`${error.message}; it wrote:\n${server.output()}`);
  });
  const pg = postmaster(scratch.dataDir);
  expect(pg).not.toBeNull();
  return { server, pg: pg! };
}

async function expectEverythingStopped(pg: number) {
  await waitFor(`port ${scratch.port} to be free`, async () => !(await listening(scratch.port)), 30_000);
  await waitFor(`the embedded PostgreSQL (pid ${pg}) to stop`, () => postmaster(scratch.dataDir) === null, 30_000);
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
