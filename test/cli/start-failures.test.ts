import { once } from 'node:events';
import { createServer } from 'node:net';
import { command, freePort, killStillRunning, npmStart } from './processes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Start-up failures an operator meets (an unreachable database, a port in
 * use, a bad setting) end with one clear line naming what failed and the
 * documented exit code — 1 for a failure, 2 for invalid configuration — never
 * a Node stack trace.
 */
const UNREACHABLE = 'postgres://training:secret@127.0.0.1:1/training';
const STACK_FRAME = /^\s+at .+[:(]/m;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await killStillRunning();
  await db.close();
});

/** Lines the process wrote, npm's banner aside. */
function linesOf(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() && !line.startsWith('> '));
}

describe('npm start', () => {
  it('with an unreachable DATABASE_URL: one log line naming host:port, exit 1', async () => {
    const start = npmStart({ DATABASE_URL: UNREACHABLE, PORT: String(await freePort()) });
    expect((await start.exited).code).toBe(1);
    const lines = linesOf(start.output());
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 60, msg: 'start-up failed: cannot reach the database at 127.0.0.1:1 (ECONNREFUSED)' });
    expect(start.output()).not.toMatch(STACK_FRAME);
  }, 60_000);

  it('with its port in use: one log line "port N is in use", exit 1', async () => {
    const taken = createServer().listen(0, '0.0.0.0');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const start = npmStart({ DATABASE_URL: db.url, PORT: String(port), SEED_DEMO_DATA: 'off' });
      expect((await start.exited).code).toBe(1);
      const fatal = linesOf(start.output()).filter((line) => line.includes('"level":60'));
      expect(fatal.map((line) => JSON.parse(line).msg)).toEqual([`start-up failed: port ${port} is in use: stop the process listening there or set another port`]);
      expect(start.output()).not.toMatch(STACK_FRAME);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('with a bad configuration: the problems quoted as typed, exit 2', async () => {
    const start = npmStart({ PORT: 'abc', PROGRAM_VERSIONING_WRITES: 'ON' });
    expect((await start.exited).code).toBe(2);
    expect(linesOf(start.output())).toEqual([
      'Invalid configuration:',
      '  - PORT must be a port number 0–65535, got "abc"',
      '  - PROGRAM_VERSIONING_WRITES must be on, off or a percentage such as 25%, got "ON"',
    ]);
  }, 60_000);
});

describe('npm start with FLAGS_FILE', () => {
  it('with a missing flag file: one line naming the file and the problem, exit 2', async () => {
    const start = npmStart({ FLAGS_FILE: '/nonexistent/flags.json', PORT: String(await freePort()) });
    expect((await start.exited).code).toBe(2);
    expect(linesOf(start.output())).toEqual(['FLAGS_FILE /nonexistent/flags.json: no such file']);
  }, 60_000);

  it('with a flag variable set beside it: both named, exit 2', async () => {
    const start = npmStart({ FLAGS_FILE: '/nonexistent/flags.json', PROGRAM_VERSIONING_READS: 'on' });
    expect((await start.exited).code).toBe(2);
    expect(linesOf(start.output())).toEqual([
      'Invalid configuration:',
      '  - FLAGS_FILE is set, so the flag file is the only source of flags: unset PROGRAM_VERSIONING_READS (or FLAGS_FILE)',
    ]);
  }, 60_000);
});

describe('operator commands', () => {
  it.each([['verify'], ['backfill'], ['restore-legacy'], ['migrate', 'status']])(
    '%s with an unreachable database: "failed: cannot reach the database at host:port", exit 1',
    async (script, ...args) => {
      const run = command(script, args, { DATABASE_URL: UNREACHABLE });
      expect((await run.exited).code).toBe(1);
      expect(linesOf(run.output())).toEqual(['failed: cannot reach the database at 127.0.0.1:1 (ECONNREFUSED)']);
    },
    60_000,
  );
});
