import { migrateDown, migrateUp, migrationStatus } from '../../src/db/migrator.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params));
});
afterAll(async () => db.close());

/** A checksum over every legacy column (docs/legacy-data.md) of every row, in key order. */
async function legacyChecksum(): Promise<string> {
  const { rows } = await db.sql.query(`select md5(
    (select coalesce(string_agg(concat_ws('|', id, user_id, name, is_active, program_json::text, created_at, updated_at, deleted_at), E'\\n' order by id), '') from programs) ||
    (select coalesce(string_agg(concat_ws('|', id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at, notes), E'\\n' order by id), '') from workout_sessions) ||
    (select coalesce(string_agg(concat_ws('|', id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at), E'\\n' order by id), '') from workout_session_sets)
  ) as sum`);
  return rows[0].sum;
}

describe('migrations are reversible on a populated database', () => {
  it('up → down → up leaves every legacy column byte-identical, and the app serving', async () => {
    const writer = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
    const created = ok(await writer.gql(CREATE_PROGRAM, { input: upperLower() }, DEMO_USERS.alice)).createProgram;
    ok(await writer.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('edited') }, DEMO_USERS.alice));
    const session = ok(await writer.gql(START_SESSION, { programId: created.id, workoutId: created.workouts[0].id }, DEMO_USERS.alice)).startSession;
    ok(await writer.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: created.workouts[0].exercises[0].id, setNumber: 1, reps: 5 } }, DEMO_USERS.alice));
    await writer.close();

    const before = await legacyChecksum();
    const orm = await db.migrationOrm();
    const applied = (await migrationStatus(orm)).map((m) => m.name);
    const downTo = applied.indexOf('Migration0003ProgramVersions');
    for (const name of applied.slice(downTo).reverse()) expect(await migrateDown(orm)).toBe(name);
    expect(await legacyChecksum()).toBe(before);
    const { rows } = await db.sql.query(`select to_regclass('program_versions') as t`);
    expect(rows[0].t).toBeNull();
    expect(await migrateUp(orm)).toEqual(applied.slice(downTo));
    expect(await legacyChecksum()).toBe(before);

    const reader = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
    try {
      const { programs } = ok(await reader.gql(`{ programs { name workouts { name } } }`, {}, DEMO_USERS.alice));
      expect(programs.map((p: any) => p.name)).toContain('edited');
      const history = ok(await reader.gql(`{ sessions(first: 100) { edges { node { workoutName sets { reps } } } } }`, {}, DEMO_USERS.alice));
      expect(history.sessions.edges.length).toBeGreaterThan(10);
      ok(await reader.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('after up again') }, DEMO_USERS.alice));
    } finally {
      await reader.close();
    }
  });
});
