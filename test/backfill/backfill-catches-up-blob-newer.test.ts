import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, PROGRAM_FIELDS, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * Regression: a program versioned while PROGRAM_VERSIONING_WRITES was on, then
 * edited while it was off (the documented rollback: READS off, then WRITES off),
 * has a blob newer than its current version (`legacy_json_version_id` NULL,
 * "blob-newer" in src/store/blob-sync.ts). The write path catches such a
 * program up on its next versioned write (ensureCurrentVersion); the backfill
 * counts it as `alreadyVersioned` and leaves the stale version current. Turning
 * READS back on then shows users the program as it was before their edits, and
 * `verify` (legacy vs versioned reads) finds a mismatch on every
 * such program.
 */

let db: TestDatabase;
let writesOn: TestApp;
let writesOff: TestApp;
let readsOn: TestApp;

beforeAll(async () => {
  db = await createTestDatabase();
  writesOn = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
  writesOff = await startTestApp({}, db);
  readsOn = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, db);
});
afterAll(async () => {
  await writesOn.close();
  await writesOff.close();
  await readsOn.close();
  await db.close();
});

const PROGRAM = `query ($id: ID!) { program(id: $id) { ${PROGRAM_FIELDS} } }`;

describe('backfill after edits made while versioned writes were off', () => {
  it('makes the current version mirror the blob, so both read paths show the edit', async () => {
    const created = ok(await writesOn.gql(CREATE_PROGRAM, { input: upperLower('Before rollback') })).createProgram;
    const edited = upperLower('Edited while writes were off');
    edited.workouts[0]!.name = 'Upper Heavy';
    ok(
      await writesOff.gql(MODIFY_PROGRAM, {
        id: created.id,
        input: { ...edited, workouts: edited.workouts.map((w, i) => ({ ...w, id: created.workouts[i].id })) },
      }),
    );
    const { rows: before } = await db.sql.query('select current_version_id, legacy_json_version_id from programs where id = $1', [created.id]);
    expect(before[0].current_version_id).not.toBeNull();
    expect(before[0].legacy_json_version_id).toBeNull(); // blob-newer

    await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 10 });

    const legacyRead = ok(await writesOff.gql(PROGRAM, { id: created.id })).program;
    expect(legacyRead.workouts[0].name).toBe('Upper Heavy');
    const versionedRead = ok(await readsOn.gql(PROGRAM, { id: created.id })).program;
    const { updatedAt: _a, ...versioned } = versionedRead;
    const { updatedAt: _b, ...legacy } = legacyRead;
    expect(versioned).toEqual(legacy);
    const { rows: after } = await db.sql.query(
      `select p.legacy_json_version_id = p.current_version_id as in_sync, v.version_number, v.source
       from programs p join program_versions v on v.id = p.current_version_id where p.id = $1`,
      [created.id],
    );
    expect(after).toEqual([{ in_sync: true, version_number: 2, source: 'BACKFILL' }]);
  });
});
