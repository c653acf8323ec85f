import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { ACTIVATE_PROGRAM, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * `programs.revision` is counted by the database: every writer (this service
 * in any phase, the legacy app writing blobs, operator commands) moves it
 * alike, it never goes backwards, and system bookkeeping that shows nothing
 * new (linking a program to the version its blob holds) leaves it alone, so
 * clients get no conflicts for edits nobody made.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const USER = '73000000-0000-4000-8000-000000000001';
const BLOB = JSON.stringify({ workouts: [{ id: 'w1', name: 'Upper A', exercises: [{ id: 'e1', name: 'Bench', sets: [{ reps: 5, restSeconds: 90 }] }] }], schedule: [] });

async function revision(id: string): Promise<number> {
  const { rows } = await db.sql.query('select revision from programs where id = $1', [id]);
  return rows[0].revision;
}

async function legacyProgram(id: string): Promise<string> {
  await db.sql.query(`insert into programs (id, user_id, name, program_json) values ($1, $2, 'Legacy', $3::jsonb)`, [id, USER, BLOB]);
  return id;
}

async function withApp<T>(env: Record<string, string>, work: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp(env, db);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

describe('programs.revision', () => {
  it('starts at 1 and counts every change any writer makes, one per change', async () => {
    const id = await legacyProgram('73000000-0000-4000-8000-00000000000a');
    expect(await revision(id)).toBe(1);
    // The legacy app writing a blob, knowing nothing of revisions:
    await db.sql.query(`update programs set program_json = jsonb_set(program_json, '{workouts,0,name}', '"Upper B"'), updated_at = now() where id = $1`, [id]);
    expect(await revision(id)).toBe(2);
    await db.sql.query(`update programs set name = 'Renamed' where id = $1`, [id]);
    expect(await revision(id)).toBe(3);
    await db.sql.query(`update programs set is_active = true where id = $1`, [id]);
    expect(await revision(id)).toBe(4);
    await db.sql.query(`update programs set deleted_at = now() where id = $1`, [id]);
    expect(await revision(id)).toBe(5);
  });

  it('never goes backwards and ignores values written into it; bookkeeping alone does not count', async () => {
    const id = await legacyProgram('73000000-0000-4000-8000-00000000000b');
    await db.sql.query(`update programs set name = 'Edited', revision = 0 where id = $1`, [id]);
    expect(await revision(id)).toBe(2);
    await db.sql.query(`update programs set revision = 1 where id = $1`, [id]);
    expect(await revision(id)).toBe(2);
    await db.sql.query(`update programs set revision = 1000 where id = $1`, [id]);
    expect(await revision(id)).toBe(2);
    await db.sql.query(`update programs set updated_at = now(), program_json = program_json, name = name where id = $1`, [id]);
    expect(await revision(id)).toBe(2);
  });

  it('is not moved by the backfill linking a program to the version its blob holds, nor by a catch-up version', async () => {
    const id = await legacyProgram('73000000-0000-4000-8000-00000000000c');
    await db.sql.query(`update programs set name = 'Before backfill' where id = $1`, [id]);
    expect(await revision(id)).toBe(2);
    await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 10 });
    const linked = await db.sql.query('select current_version_id, revision from programs where id = $1', [id]);
    expect(linked.rows[0].current_version_id).not.toBeNull();
    expect(linked.rows[0].revision).toBe(2);

    // A blob written while versioned writes were off, then caught up by a versioned write path (startSession).
    await db.sql.query(`update programs set program_json = jsonb_set(program_json, '{workouts,0,name}', '"Upper C"'), legacy_json_version_id = null where id = $1`, [id]);
    expect(await revision(id)).toBe(3);
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, async (app) => {
      ok(await app.gql(START_SESSION, { programId: id, workoutId: 'w1' }, USER));
    });
    const caughtUp = await db.sql.query('select current_version_id, legacy_json_version_id, revision from programs where id = $1', [id]);
    expect(caughtUp.rows[0].current_version_id).not.toBe(linked.rows[0].current_version_id);
    expect(caughtUp.rows[0].legacy_json_version_id).toBe(caughtUp.rows[0].current_version_id);
    expect(caughtUp.rows[0].revision).toBe(3);
  });

  it('is the same on the legacy and the versioned read path, and counts activations and reverts', async () => {
    const read = `query ($id: ID!) { program(id: $id) { name revision } }`;
    const { id, revision: created } = await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, async (app) => {
      const program = ok(await app.gql(`mutation ($input: ProgramInput!) { createProgram(input: $input) { id revision } }`, { input: upperLower('Versioned') }, USER)).createProgram;
      ok(await app.gql(MODIFY_PROGRAM, { id: program.id, input: upperLower('Versioned, edited') }, USER));
      ok(await app.gql(ACTIVATE_PROGRAM, { id: program.id }, USER));
      ok(await app.gql(`mutation ($id: ID!) { revertProgram(id: $id, toVersion: 1) { id } }`, { id: program.id }, USER));
      return program;
    });
    expect(created).toBe(1);
    expect(await revision(id)).toBe(4);
    const legacy = await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, async (app) => ok(await app.gql(read, { id }, USER)).program);
    const versioned = await withApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, async (app) => ok(await app.gql(read, { id }, USER)).program);
    expect(versioned).toEqual(legacy);
    expect(legacy).toEqual({ name: 'Versioned', revision: 4 });
  });
});
