import pg from 'pg';
import { locateDatabase } from '../../src/db/database.js';
import { command, embeddedScratch, nonJsonLines, npmStart, postmaster, readyStatus, waitFor } from './processes.js';

/**
 * One embedded PostgreSQL per DATA_DIR, shared by `npm start` and the
 * commands: a command that started it must not stop it on exit while the
 * server still uses it — even when the server's pool sits idle with no open
 * connection, which a count of connected clients took for "nobody". The
 * server then answered SERVICE_UNAVAILABLE forever. The last user out stops it.
 */
const scratch = embeddedScratch('training-shared-pg-');

/** Client sessions of the service and the commands (their application_name), seen by PostgreSQL. */
async function serviceSessions(url: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where application_name = 'training-subgraph'`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL shared by a command and npm start', () => {
  it('a command alone starts it and stops it on exit', async () => {
    const migrate = command('migrate', ['up'], scratch.env);
    expect((await migrate.exited).code).toBe(0);
    expect(postmaster(scratch.dataDir)).toBeNull();
  }, 120_000);

  it('outlives the command that started it while npm start uses it, and stops with the last user', async () => {
    // This test process is the command that starts the server (as `npm run backfill` would) ...
    const location = await locateDatabase({ DATA_DIR: scratch.dataDir, EMBEDDED_PG_PORT: Number(scratch.env.EMBEDDED_PG_PORT), DATABASE_URL: undefined });
    const pid = postmaster(scratch.dataDir);
    expect(pid).not.toBeNull();
    // ... npm start attaches to it, and another command comes and goes meanwhile.
    const server = npmStart(scratch.env);
    await waitFor('npm start to be ready', async () => (await readyStatus(scratch.port)) === 200, 120_000);
    const status = command('migrate', ['status'], scratch.env);
    expect((await status.exited).code).toBe(0);
    expect(await readyStatus(scratch.port)).toBe(200);

    // The server's pool goes idle and closes its connections (after about 30 s): no client is connected.
    await waitFor('the server pool to close its idle connections', async () => (await serviceSessions(location.url)) === 0, 120_000);
    await location.release();

    expect(postmaster(scratch.dataDir)).toBe(pid);
    expect(await readyStatus(scratch.port)).toBe(200);
    const response = await fetch(`http://127.0.0.1:${scratch.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': '77000000-0000-4000-8000-000000000001' },
      body: JSON.stringify({ query: '{ programs { id } }' }),
    });
    expect(response.status).toBe(200);

    // The server is the last user: stopping it stops PostgreSQL.
    process.kill(server.child.pid!, 'SIGTERM');
    await waitFor('the embedded PostgreSQL to stop with its last user', () => postmaster(scratch.dataDir) === null, 30_000);
    expect(nonJsonLines(server.output())).toEqual([]);
  }, 300_000);
});
