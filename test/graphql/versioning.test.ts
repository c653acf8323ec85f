import { versionTreeCache } from '../../src/store/version-tree-cache.js';
import { ACTIVATE_PROGRAM, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, DELETE_WORKOUT, upperLower } from '../support/fixtures.js';
import { DEFAULT_USER, ok, OTHER_USER, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let on: TestApp; // PROGRAM_VERSIONING_WRITES=on
let off: TestApp; // PROGRAM_VERSIONING_WRITES=off (Phase 1), same database

beforeAll(async () => {
  db = await createTestDatabase();
  on = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
  off = await startTestApp({}, db);
});
afterAll(async () => {
  await on.close();
  await off.close();
  await db.close();
});

const VERSIONS = `query ($id: ID!) { program(id: $id) { currentVersion { id number source name parent { number } } versions { id number source workouts { id workoutId name } } } }`;
const REVERT = `mutation ($id: ID!, $to: Int!) { revertProgram(id: $id, toVersion: $to) { name workouts { id name } currentVersion { number source } } }`;

async function versionTableCounts() {
  const { rows } = await db.sql.query(`select
    (select count(*)::int from program_versions) as versions, (select count(*)::int from program_version_workouts) as workouts,
    (select count(*)::int from program_version_exercises) as exercises, (select count(*)::int from program_version_schedule) as schedule`);
  return rows[0];
}

describe('dual write with PROGRAM_VERSIONING_WRITES on', () => {
  it('creates version 1 with the program, and a new version per edit with source and parent', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const edited = upperLower('Upper/Lower v2');
    ok(await on.gql(MODIFY_PROGRAM, { id: created.id, input: edited, source: 'AI' }));
    const program = ok(await on.gql(VERSIONS, { id: created.id })).program;
    expect(program.currentVersion).toMatchObject({ number: 2, source: 'AI', name: 'Upper/Lower v2', parent: { number: 1 } });
    expect(program.versions.map((v: any) => [v.number, v.source])).toEqual([[2, 'AI'], [1, 'USER']]);
    // A version's workouts are snapshots: the stable id is `workoutId`, the object's own id is scoped to the version.
    const latest = program.versions[0];
    expect(latest.workouts).toEqual(created.workouts.map((w: any) => ({ id: `${latest.id}/${w.id}`, workoutId: w.id, name: w.name })));
    const { rows } = await db.sql.query('select program_json, current_version_id, legacy_json_version_id from programs where id = $1', [created.id]);
    expect(rows[0].current_version_id).toBe(program.currentVersion.id);
    expect(rows[0].legacy_json_version_id).toBe(program.currentVersion.id);
    expect(rows[0].program_json.workouts.map((w: any) => w.id)).toEqual(created.workouts.map((w: any) => w.id));
  });

  it('makes no new version for an edit that changes nothing', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const before = await db.sql.query('select updated_at from programs where id = $1', [created.id]);
    ok(await on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower() }));
    ok(await on.gql(ACTIVATE_PROGRAM, { id: created.id }));
    const program = ok(await on.gql(VERSIONS, { id: created.id })).program;
    expect(program.versions.map((v: any) => v.number)).toEqual([1]);
    const after = await db.sql.query('select updated_at, is_active from programs where id = $1', [created.id]);
    expect(after.rows[0].is_active).toBe(true);
    expect(before.rows[0].updated_at.getTime()).toBeLessThanOrEqual(after.rows[0].updated_at.getTime());
  });

  it('gives a program written before versioning its version 1 from the blob, in the same transaction as the edit', async () => {
    const legacy = ok(await off.gql(CREATE_PROGRAM, { input: upperLower('Legacy') })).createProgram;
    expect(ok(await off.gql(VERSIONS, { id: legacy.id })).program.versions).toEqual([]);
    ok(await on.gql(DELETE_WORKOUT, { programId: legacy.id, workoutId: legacy.workouts[1].id }));
    const program = ok(await on.gql(VERSIONS, { id: legacy.id })).program;
    expect(program.versions.map((v: any) => [v.number, v.source, v.workouts.length])).toEqual([
      [2, 'USER', 1],
      [1, 'BACKFILL', 2],
    ]);
  });

  it('catches up with edits made while versioned writes were off', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower('Flip') })).createProgram;
    ok(await off.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('Flip, edited while off') }));
    ok(await on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('Flip, edited while on') }));
    const program = ok(await on.gql(VERSIONS, { id: created.id })).program;
    expect(program.versions.map((v: any) => [v.number, v.source])).toEqual([[3, 'USER'], [2, 'BACKFILL'], [1, 'USER']]);
    expect(program.currentVersion.name).toBe('Flip, edited while on');
  });

  it('records the version and workout version on a session, and the exercise version on a set', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const upper = created.workouts[0];
    const session = ok(await on.gql(START_SESSION, { programId: created.id, workoutId: upper.id })).startSession;
    ok(await on.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: upper.exercises[0].id, setNumber: 1, reps: 5 } }));
    const { rows } = await db.sql.query(
      `select s.program_version_id = p.current_version_id as current, w.workout_id, e.exercise_id, e.program_version_id = s.program_version_id as same_version
       from workout_sessions s join programs p on p.id = s.program_id
       join program_version_workouts w on w.id = s.workout_version_id
       join workout_session_sets st on st.session_id = s.id
       join program_version_exercises e on e.id = st.exercise_version_id where s.id = $1`,
      [session.id],
    );
    expect(rows).toEqual([{ current: true, workout_id: upper.id, exercise_id: upper.exercises[0].id, same_version: true }]);
    const read = ok(await on.gql(`query ($id: ID!) { session(id: $id) { programVersion { number program { id } } } }`, { id: session.id })).session;
    expect(read.programVersion).toEqual({ number: 1, program: { id: created.id } });
  });
});

describe('with PROGRAM_VERSIONING_WRITES off', () => {
  it('touches none of the version tables, for any write', async () => {
    const before = await versionTableCounts();
    const created = ok(await off.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    ok(await off.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('renamed') }));
    ok(await off.gql(ACTIVATE_PROGRAM, { id: created.id }));
    ok(await off.gql(DELETE_WORKOUT, { programId: created.id, workoutId: created.workouts[1].id }));
    const session = ok(await off.gql(START_SESSION, { programId: created.id, workoutId: created.workouts[0].id })).startSession;
    ok(await off.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: created.workouts[0].exercises[0].id, setNumber: 1, reps: 5 } }));
    expect(await versionTableCounts()).toEqual(before);
    const { rows } = await db.sql.query(
      `select p.current_version_id, s.program_version_id, s.workout_version_id, st.exercise_version_id
       from programs p join workout_sessions s on s.program_id = p.id join workout_session_sets st on st.session_id = s.id where p.id = $1`,
      [created.id],
    );
    expect(rows).toEqual([{ current_version_id: null, program_version_id: null, workout_version_id: null, exercise_version_id: null }]);
    const revert = await off.gql(REVERT, { id: created.id, to: 1 });
    expect(revert.errors?.[0]?.extensions?.code).toBe('FAILED_PRECONDITION');
  });
});

describe('concurrency', () => {
  it('refuses a stale expectedVersion with CONFLICT and writes nothing', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    ok(await on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('second'), expectedVersion: 1 }));
    const before = await db.sql.query('select program_json, name from programs where id = $1', [created.id]);
    const stale = await on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('lost update'), expectedVersion: 1 });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: 1, currentVersion: 2 });
    expect((await db.sql.query('select program_json, name from programs where id = $1', [created.id])).rows).toEqual(before.rows);
    expect(ok(await on.gql(VERSIONS, { id: created.id })).program.versions).toHaveLength(2);
  });

  it('serialises 50 concurrent edits: contiguous version numbers, every edit in exactly one version', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower('edit 0') })).createProgram;
    const names = Array.from({ length: 50 }, (_, i) => `edit ${i + 1}`);
    const results = await Promise.all(names.map((name) => on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower(name) })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const { rows } = await db.sql.query('select version_number, name, parent_version_id, id from program_versions where program_id = $1 order by version_number', [
      created.id,
    ]);
    expect(rows.map((r) => r.version_number)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(rows.slice(1).map((r) => r.name).sort()).toEqual([...names].sort());
    rows.slice(1).forEach((r, i) => expect(r.parent_version_id).toBe(rows[i]!.id));
    const { rows: program } = await db.sql.query('select name, current_version_id from programs where id = $1', [created.id]);
    expect(program[0].current_version_id).toBe(rows[50]!.id);
    expect(program[0].name).toBe(rows[50]!.name);
  });
});

describe('atomicity of the dual write', () => {
  it('persists neither the version nor the blob when the write fails between them', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const before = await db.sql.query('select program_json, name, current_version_id from programs where id = $1', [created.id]);
    const versionsBefore = await versionTableCounts();
    // The version is written first; this trigger then fails the program row's write.
    await db.sql.query(`create function fail_injected() returns trigger language plpgsql as $$
      begin if new.name = 'FAIL HERE' then raise exception 'injected failure'; end if; return new; end $$`);
    await db.sql.query(`create trigger inject_failure before update on programs for each row execute function fail_injected()`);
    try {
      const response = await on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('FAIL HERE') });
      expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await db.sql.query('drop trigger inject_failure on programs; drop function fail_injected()');
    }
    expect((await db.sql.query('select program_json, name, current_version_id from programs where id = $1', [created.id])).rows).toEqual(before.rows);
    expect(await versionTableCounts()).toEqual(versionsBefore);
  });
});

describe('revertProgram', () => {
  it('creates a REVERT version equal in content to the target, keeping ids', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    ok(await on.gql(DELETE_WORKOUT, { programId: created.id, workoutId: created.workouts[0].id }));
    const reverted = ok(await on.gql(REVERT, { id: created.id, to: 1 })).revertProgram;
    expect(reverted.currentVersion).toEqual({ number: 3, source: 'REVERT' });
    expect(reverted.workouts).toEqual(created.workouts.map((w: any) => ({ id: w.id, name: w.name })));
    const { rows } = await db.sql.query('select content_hash from program_versions where program_id = $1 order by version_number', [created.id]);
    expect(rows[2].content_hash).toBe(rows[0].content_hash);
    const blob = (await db.sql.query('select program_json from programs where id = $1', [created.id])).rows[0].program_json;
    expect(blob.workouts.map((w: any) => w.id)).toEqual(created.workouts.map((w: any) => w.id));
  });

  it('is NOT_FOUND for a missing version or another user, and writes nothing', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const missing = await on.gql(REVERT, { id: created.id, to: 7 });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreign = await on.gql(REVERT, { id: created.id, to: 1 }, OTHER_USER);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(ok(await on.gql(VERSIONS, { id: created.id })).program.versions).toHaveLength(1);
  });
});

describe('ProgramVersion.changes', () => {
  it('describes an AI edit against its parent: renames, additions, removals, set changes', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const edited = upperLower();
    edited.workouts[0]!.name = 'Upper Heavy';
    edited.workouts[0]!.exercises[0]!.sets = [{ reps: 5, repsMax: null, weightKg: 80, restSeconds: 180 }];
    edited.workouts[1]!.exercises.pop();
    edited.workouts[1]!.exercises.push({ name: 'Leg Curl', sets: [{ reps: 12, restSeconds: 60 }] as any });
    ok(await on.gql(MODIFY_PROGRAM, { id: created.id, input: edited, source: 'AI' }));
    const query = `query ($id: ID!) { program(id: $id) { currentVersion { changes {
      unchanged workoutsRenamed { workoutId from to } exercisesAdded { name workoutId } exercisesRemoved { exerciseId name }
      setsChanged { exerciseId after { reps weightKg restSeconds } } workoutsMoved { workoutId } scheduleChanged { after { dayOfWeek } } } } } }`;
    const changes = ok(await on.gql(query, { id: created.id })).program.currentVersion.changes;
    const [upper, lower] = created.workouts;
    expect(changes).toEqual({
      unchanged: false,
      workoutsRenamed: [{ workoutId: upper.id, from: 'Upper A', to: 'Upper Heavy' }],
      exercisesAdded: [{ name: 'Leg Curl', workoutId: lower.id }],
      exercisesRemoved: [{ exerciseId: lower.exercises[1].id, name: 'Romanian Deadlift' }],
      setsChanged: [{ exerciseId: upper.exercises[0].id, after: [{ reps: 5, weightKg: 80, restSeconds: 180 }] }],
      workoutsMoved: [],
      scheduleChanged: null,
    });
  });
});

describe('ProgramVersion entity', () => {
  it('resolves references in one batch and hides other users’ versions', async () => {
    const created = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    for (let i = 0; i < 5; i++) ok(await on.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower(`v${i + 2}`) }));
    const { rows } = await db.sql.query('select id from program_versions where program_id = $1 order by version_number', [created.id]);
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on ProgramVersion { id number workouts { name } } } }`;
    const reps = rows.map((r) => ({ __typename: 'ProgramVersion', id: r.id }));
    // This process wrote them, so it holds their trees; another process reads them in one statement.
    expect((await on.gql(query, { reps })).statements).toBe(0);
    versionTreeCache.clear();
    const response = await on.gql(query, { reps });
    expect(ok(response)._entities.map((v: any) => v.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(response.statements).toBe(1);
    expect(ok(await on.gql(query, { reps }, OTHER_USER))._entities).toEqual(rows.map(() => null));
    expect(DEFAULT_USER).not.toBe(OTHER_USER);
  });

  it('counts the SQL statements of modifyProgram with versioned writes on and off', async () => {
    const a = ok(await on.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const b = ok(await off.gql(CREATE_PROGRAM, { input: upperLower() })).createProgram;
    const withVersions = await on.gql(`mutation ($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input) { id } }`, { id: a.id, input: upperLower('x') });
    const legacyOnly = await off.gql(`mutation ($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input) { id } }`, { id: b.id, input: upperLower('x') });
    // begin, lock, current version head, insert version, update program, commit
    expect(withVersions.statements).toBe(6);
    // begin, lock, update program, commit
    expect(legacyOnly.statements).toBe(4);
  });
});
