import { restoreLegacy } from '../../src/restore-legacy/restore-legacy.js';
import { CREATE_PROGRAM, DELETE_WORKOUT, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A program whose blob is the newest state (never versioned, or edited while
 * versioned writes were off) reaching Phase 5 — a flag file moved straight
 * from Phase 1 to 5, or a rollback walked forward again. The first Phase 5
 * edit catches the versions up (a version mirroring the blob), then adds its
 * own. It used to leave `legacy_json_version_id` NULL, which says "the blob is
 * newer than every version": the next edit then started from the blob, losing
 * the first edit, and `restore-legacy` did not see the program at all. Now the
 * marker names the version the blob holds, so every edit builds on the last.
 */
let db: TestDatabase;
let phase1: TestApp;
let phase2: TestApp;
let phase5: TestApp;
const PHASE_5 = { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' };
const READ = `query ($id: ID!) { program(id: $id) { name workouts { id name } } }`;

beforeAll(async () => {
  db = await createTestDatabase();
  phase1 = await startTestApp({}, db);
  phase2 = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
  phase5 = await startTestApp(PHASE_5, db);
});
afterAll(async () => {
  await phase5.close();
  await phase2.close();
  await phase1.close();
  await db.close();
});

async function versionSources(programId: string): Promise<string[]> {
  const { rows } = await db.sql.query('select source from program_versions where program_id = $1 order by version_number', [programId]);
  return rows.map((r) => r.source);
}

/** Rename Upper A in Phase 5, then delete Lower A in Phase 5: both edits must show. */
async function twoPhase5Edits(user: string, programId: string) {
  const before = ok(await phase5.gql(READ, { id: programId }, user)).program;
  const [upper, lower] = before.workouts;
  const renamed = upperLower('Renamed in Phase 5');
  const input = { ...renamed, workouts: renamed.workouts.map((w, i) => ({ ...w, id: before.workouts[i].id, name: i === 0 ? 'Upper A (Phase 5)' : w.name })) };
  ok(await phase5.gql(MODIFY_PROGRAM, { id: programId, input }, user));
  ok(await phase5.gql(DELETE_WORKOUT, { programId, workoutId: lower.id }, user));
  const after = ok(await phase5.gql(READ, { id: programId }, user)).program;
  expect(after).toEqual({ name: 'Renamed in Phase 5', workouts: [{ id: upper.id, name: 'Upper A (Phase 5)' }] });
}

describe('Phase 5 edits of a program whose blob is ahead of its versions', () => {
  it('keep the first edit when the program was never versioned', async () => {
    const user = '7a000000-0000-4000-8000-000000000001';
    const { id } = ok(await phase1.gql(CREATE_PROGRAM, { input: upperLower('Created in Phase 1') }, user)).createProgram;
    await twoPhase5Edits(user, id);
    // The catch-up version (the blob as it was), then the two edits: no second catch-up reverting the first edit.
    expect(await versionSources(id)).toEqual(['BACKFILL', 'USER', 'USER']);
  });

  it('keep the first edit when the blob was edited without versions after version 1', async () => {
    const user = '7a000000-0000-4000-8000-000000000002';
    const { id } = ok(await phase2.gql(CREATE_PROGRAM, { input: upperLower('Created in Phase 2') }, user)).createProgram;
    ok(await phase1.gql(MODIFY_PROGRAM, { id, input: upperLower('Edited in Phase 1') }, user));
    await twoPhase5Edits(user, id);
    expect(await versionSources(id)).toEqual(['USER', 'BACKFILL', 'USER', 'USER']);
  });

  it('leave the blob marked behind, so restore-legacy brings it up to date for a rollback', async () => {
    const user = '7a000000-0000-4000-8000-000000000003';
    const { id } = ok(await phase1.gql(CREATE_PROGRAM, { input: upperLower('Created in Phase 1') }, user)).createProgram;
    await twoPhase5Edits(user, id);
    const { rows } = await db.sql.query(
      `select p.legacy_json_version_id = v.id as marks_first_version from programs p join program_versions v on v.program_id = p.id and v.version_number = 1 where p.id = $1`,
      [id],
    );
    expect(rows).toEqual([{ marks_first_version: true }]);
    await restoreLegacy(db.orm, { batchSize: 10 });
    expect(ok(await phase1.gql(READ, { id }, user)).program).toEqual(ok(await phase5.gql(READ, { id }, user)).program);
  });
});
