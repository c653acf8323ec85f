import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { FlagFileError, readFlagFile } from '../../src/flags/flag-file.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { capturedLog, fixed, flagFilePath, phaseFile, waitForFlags, writeFlagFile } from './flag-files.js';

/**
 * FLAGS_FILE: flags from a file in flagd's JSON, evaluated by OpenFeature's
 * flagd provider in-process. The file is the only source when set; a missing
 * or unusable file stops start-up; a change applies to the next requests
 * without a restart; a change that leaves the file unusable keeps the last
 * good flags, and is logged and counted.
 */
const USER = '7a000000-0000-4000-8000-000000000001';
const ON = { versioningWrites: true, versioningReads: true, legacyJsonWrites: true };
const WRITES_ONLY = { versioningWrites: true, versioningReads: false, legacyJsonWrites: true };

function problemOf(content: unknown): string {
  const path = flagFilePath();
  writeFlagFile(path, content);
  try {
    readFlagFile(path);
  } catch (error) {
    if (error instanceof FlagFileError) return error.message.slice(`FLAGS_FILE ${path}: `.length);
    throw error;
  }
  return 'accepted';
}

describe('flag file at start-up', () => {
  it('refuses a missing or unusable file with one line naming the file and the problem', () => {
    const missing = `${flagFilePath()}.absent`;
    expect(() => readFlagFile(missing)).toThrow(`FLAGS_FILE ${missing}: no such file`);
    expect(problemOf('{ "flags": ')).toMatch(/^is not JSON \(/);
    expect(problemOf({})).toBe('flags must be an object of flags');
    expect(problemOf([])).toBe('must be an object with "flags"');
    expect(problemOf({ flags: { PROGRAM_VERSIONING_WRITES: { ...fixed(true), variants: { on: 'yes', off: false } } } })).toBe(
      'flags.PROGRAM_VERSIONING_WRITES.variants.on must be true or false',
    );
    expect(problemOf({ flags: { PROGRAM_VERSIONING_READS: { ...fixed(true), defaultVariant: 'enabled' } } })).toBe('flags.PROGRAM_VERSIONING_READS.defaultVariant names no variant');
    expect(problemOf({ flags: { LEGACY_JSON_WRITES: { ...fixed(true), state: 'ON' } } })).toBe('flags.LEGACY_JSON_WRITES.state must be "ENABLED" or "DISABLED"');
    expect(problemOf({ flags: { PROGRAM_VERSIONING_WRITES: { ...fixed(false), targeting: { noSuchOperator: [1] } } } })).toBe(
      'flags.PROGRAM_VERSIONING_WRITES.targeting is not a rule flagd can evaluate',
    );
    // Keys that are not ours are flagd's business: a string flag next to ours is fine.
    expect(problemOf({ flags: { ...phaseFile(2).flags, colour: { state: 'ENABLED', variants: { red: 'red' }, defaultVariant: 'red' } } })).toBe('accepted');
    expect(readFlagFile(writeTo({ flags: { colour: fixed(true) } })).unknownKeys).toEqual(['colour']);
  });

  it('is the only source of flags: a flag variable set as well is refused, naming each', () => {
    expect(() => loadConfig({ FLAGS_FILE: '/etc/flags.json', PROGRAM_VERSIONING_WRITES: 'on', LEGACY_JSON_WRITES: 'on' })).toThrow(
      'FLAGS_FILE is set, so the flag file is the only source of flags: unset PROGRAM_VERSIONING_WRITES, LEGACY_JSON_WRITES (or FLAGS_FILE)',
    );
    expect(loadConfig({ FLAGS_FILE: '/etc/flags.json' }).FLAGS_FILE).toBe('/etc/flags.json');
  });
});

function writeTo(content: unknown): string {
  const path = flagFilePath();
  writeFlagFile(path, content);
  return path;
}

describe('flag file while serving', () => {
  let db: TestDatabase;
  let app: TestApp;
  const path = flagFilePath();
  const { log, lines } = capturedLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    // Only WRITES in the file: READS and LEGACY_JSON_WRITES take their defaults (off, on).
    writeFlagFile(path, { flags: { PROGRAM_VERSIONING_WRITES: fixed(true), typoed_FLAG: fixed(true) } });
    app = await startTestApp({ FLAGS_FILE: path }, db, { log });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    rmSync(path, { force: true });
  });

  const unknownKeyWarnings = () => lines.filter((l) => l.level === 40 && l.unknownKeys);

  it('takes a key missing from the file from the defaults and warns once about an unknown key', async () => {
    await waitForFlags(app, lines, USER, WRITES_ONLY, 1);
    expect(unknownKeyWarnings().map((l) => l.unknownKeys)).toEqual([['typoed_FLAG']]);
  });

  it('applies a change to the next requests without a restart', async () => {
    const { createProgram } = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('Before') }, USER));
    writeFlagFile(path, phaseFile(5));
    await waitForFlags(app, lines, USER, { ...ON, legacyJsonWrites: false });
    // Phase 5: the edit is stored in a version only; the blob keeps the name it had.
    ok(await app.gql(MODIFY_PROGRAM, { id: createProgram.id, input: upperLower('After') }, USER));
    const { rows } = await db.sql.query('select name from programs where id = $1', [createProgram.id]);
    expect(rows[0].name).toBe('Before');
    expect(ok(await app.gql(`query ($id: ID!) { program(id: $id) { name } }`, { id: createProgram.id }, USER)).program.name).toBe('After');
    expect(unknownKeyWarnings()).toHaveLength(1); // the new file has no unknown key
  });

  it('keeps the last good flags when the file turns unusable, logs and counts it, and recovers', async () => {
    const invalid = async () => (await app.app.metrics.flagFileInvalid.get()).values.reduce((sum, v) => sum + v.value, 0);
    const before = await invalid();
    const fileErrors = () => lines.filter((l) => l.level === 50 && l.flagsFile === path);
    for (const [bad, problem] of [
      ['{ "flags": { "PROGRAM_VERSIONING_WRITES": ', /is not JSON/],
      // flagd itself would take these and answer the defaults (Phase 1) for every user.
      [{ flags: { PROGRAM_VERSIONING_WRITES: { ...fixed(true), variants: { on: 1, off: 0 } } } }, /variants.on must be true or false/],
      [{ flagz: {} }, /flags must be an object of flags/],
    ] as const) {
      const errorsBefore = fileErrors().length;
      writeFlagFile(path, bad);
      const deadline = Date.now() + 20_000;
      while (fileErrors().length <= errorsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const logged = fileErrors().at(-1);
      expect(logged?.msg).toMatch(problem);
      expect(logged?.msg).toMatch(/keeping the last good flags/);
      // Still Phase 5, request after request.
      await waitForFlags(app, lines, USER, { ...ON, legacyJsonWrites: false }, 1);
    }
    expect((await invalid()) - before).toBe(3);
    writeFlagFile(path, phaseFile(4));
    await waitForFlags(app, lines, USER, ON);
  });

  it('goes back to the defaults when a key is removed from a good file (a missing key is not an error)', async () => {
    writeFlagFile(path, { flags: {} });
    await waitForFlags(app, lines, USER, { versioningWrites: false, versioningReads: false, legacyJsonWrites: true });
  });
});
