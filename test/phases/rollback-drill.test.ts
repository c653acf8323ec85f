import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { migrateDown, migrateUp, MigrationRefused } from '../../src/db/migrator.js';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { runVerify } from '../../src/verify/verify-runner.js';
import { restoreLegacy } from '../../src/restore-legacy/restore-legacy.js';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The rollback drill: a populated database walked through every phase and
 * back — legacy only → WRITES on → backfill → READS on (shadow reads) →
 * verify → legacy writes off → restore-legacy → READS off → WRITES off →
 * migrations down and up — with a user reading and writing at every step, and
 * the same guarantees checked after every step.
 */
let db: TestDatabase;
const ATHLETE = '72000000-0000-4000-8000-000000000001';
let programId = '';
let benchId = '';
let weight = 60;
let lastCompleted = '';
const expectedNames = new Map<string, string>();
let historyBefore: Map<string, string>;
let day = 1;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params), new Date('2026-11-20T12:00:00Z'));
});
afterAll(async () => db.close());

/** Every history row as the tuple of its legacy columns, for "nothing lost or changed". */
async function historySnapshot(): Promise<Map<string, string>> {
  const { rows } = await db.sql.query(`
    select 's:' || id as key, concat_ws('|', user_id, program_id, workout_id, started_at, completed_at, notes) as value, workout_name_snapshot as snap from workout_sessions
    union all
    select 't:' || id, concat_ws('|', session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at), null from workout_session_sets`);
  return new Map(rows.map((r) => [r.key, `${r.value}|${r.snap ?? ''}`]));
}

async function withApp<T>(env: Record<string, string>, work: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp(env, db);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** A user's step: edit the program (an AI edit that regenerates ids), train, complete. */
async function trainAndEdit(app: TestApp, label: string) {
  const edited = upperLower(`Drill program (${label})`);
  edited.workouts = edited.workouts.map((w) => ({ ...w, id: `ai-${label}-${w.name}`, exercises: w.exercises.map((e, i) => ({ ...e, id: `ai-${label}-${w.name}-${i}` })) })) as any;
  const program = ok(await app.gql(MODIFY_PROGRAM, { id: programId, input: edited, source: 'AI' }, ATHLETE)).modifyProgram;
  const upper = program.workouts.find((w: any) => w.name === 'Upper A');
  expect(upper.exercises[0].id).toBe(benchId); // unchanged exercise keeps its id through the AI edit
  const startedAt = `2026-11-21T${String(day++).padStart(2, '0')}:00:00.000Z`;
  const session = ok(await app.gql(START_SESSION, { programId, workoutId: upper.id, startedAt }, ATHLETE)).startSession;
  weight += 2.5;
  ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: benchId, setNumber: 1, reps: 5, weightKg: weight } }, ATHLETE));
  ok(await app.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: startedAt.replace(':00:00', ':45:00') }, ATHLETE));
  expectedNames.set(session.id, 'Upper A');
  lastCompleted = startedAt;
}

/** The guarantees, checked through the API of `app` and in the database. */
async function checkGuarantees(app: TestApp, step: string) {
  const before = historyBefore;
  const now = await historySnapshot();
  for (const [key, value] of before) {
    const current = now.get(key);
    expect({ step, key, present: current !== undefined }).toEqual({ step, key, present: true });
    // only a NULL name snapshot may have been filled
    const [cols, snap] = [value.slice(0, value.lastIndexOf('|')), value.slice(value.lastIndexOf('|') + 1)];
    expect(current!.slice(0, current!.lastIndexOf('|'))).toBe(cols);
    if (snap) expect(current!.slice(current!.lastIndexOf('|') + 1)).toBe(snap);
  }
  historyBefore = now;

  for (const userId of [...Object.values(DEMO_USERS), ATHLETE]) {
    const { sessions, programs } = ok(
      await app.gql(`{ sessions(first: 100) { edges { node { id workoutName sets { reps } } } } programs { workouts { id } schedule { workout { id } } } }`, {}, userId),
    );
    for (const { node } of sessions.edges) {
      if (expectedNames.has(node.id)) expect({ step, id: node.id, name: node.workoutName }).toEqual({ step, id: node.id, name: expectedNames.get(node.id) });
    }
    for (const program of programs) {
      const ids = new Set(program.workouts.map((w: any) => w.id));
      for (const entry of program.schedule) expect(ids.has(entry.workout.id)).toBe(true);
    }
  }
  const perf = ok(await app.gql(`query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { performedAt sets { weightKg } } }`, { ids: [benchId] }, ATHLETE));
  expect({ step, perf: perf.lastPerformance[0] }).toEqual({ step, perf: { performedAt: lastCompleted, sets: [{ weightKg: weight }] } });
}

describe('rollback drill through every phase', () => {
  it('keeps history, names, last performance and schedules intact at every step', async () => {
    // Step 0 — legacy only (Phase 1).
    await withApp({}, async (app) => {
      for (const userId of Object.values(DEMO_USERS)) {
        const { sessions } = ok(await app.gql(`{ sessions(first: 100) { edges { node { id workoutName } } } }`, {}, userId));
        for (const { node } of sessions.edges) expectedNames.set(node.id, node.workoutName);
      }
      const program = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('Drill program') }, ATHLETE)).createProgram;
      programId = program.id;
      benchId = program.workouts[0].exercises[0].id;
      ok(await app.gql(ACTIVATE_PROGRAM, { id: programId }, ATHLETE));
      historyBefore = await historySnapshot();
      await trainAndEdit(app, 'legacy');
      await checkGuarantees(app, 'legacy only');
    });

    // Step 1 — versioned writes on (Phase 2).
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, async (app) => {
      await trainAndEdit(app, 'writes');
      await checkGuarantees(app, 'writes on');
    });

    // Step 2 — backfill (Phase 3).
    const outcome = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 40 });
    expect(outcome.sessions.unmatched).toBe(0);
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, (app) => checkGuarantees(app, 'after backfill'));

    // Step 3 — versioned reads on, every request shadow-read (Phase 4).
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', SHADOW_READ_SAMPLE: '1' }, async (app) => {
      await trainAndEdit(app, 'reads');
      await checkGuarantees(app, 'reads on');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const shadow = await app.app.metrics.shadowReads.get();
      expect(shadow.values.filter((v) => v.labels.outcome !== 'matched' && v.value > 0)).toEqual([]);
      expect(shadow.values.some((v) => v.labels.outcome === 'matched' && v.value > 0)).toBe(true);
    });

    // Step 4 — verify.
    const mismatches: unknown[] = [];
    expect((await runVerify(db.orm, { batchSize: 50, onMismatch: (m) => mismatches.push(m) })).programs.unversioned).toBe(0);
    expect(mismatches).toEqual([]);

    // Step 5 — legacy JSON writes off (Phase 5): the blob stops changing.
    const blob = async () => (await db.sql.query('select program_json, name from programs where id = $1', [programId])).rows[0];
    const frozen = await blob();
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' }, async (app) => {
      await trainAndEdit(app, 'phase5');
      expect(await blob()).toEqual(frozen);
      const { program } = ok(await app.gql(`query ($id: ID!) { program(id: $id) { name } }`, { id: programId }, ATHLETE));
      expect(program.name).toBe('Drill program (phase5)');
      await checkGuarantees(app, 'legacy writes off');
    });
    // Rollback needs the blobs back first: dropping the version tables is refused until then.
    await expect(migrateDown(db.orm)).rejects.toBeInstanceOf(MigrationRefused);

    // Step 6 — restore-legacy, then verify agrees again.
    expect(await restoreLegacy(db.orm, { batchSize: 2 })).toBeGreaterThan(0);
    expect((await blob()).program_json.workouts.map((w: any) => w.name)).toEqual(['Upper A', 'Lower A']);
    expect((await blob()).name).toBe('Drill program (phase5)');
    const after: unknown[] = [];
    await runVerify(db.orm, { batchSize: 50, onMismatch: (m) => after.push(m) });
    expect(after).toEqual([]);

    // Step 7 — versioned reads off (legacy path again, blob now current).
    await withApp({ PROGRAM_VERSIONING_WRITES: 'on' }, async (app) => {
      const { program } = ok(await app.gql(`query ($id: ID!) { program(id: $id) { name } }`, { id: programId }, ATHLETE));
      expect(program.name).toBe('Drill program (phase5)');
      await trainAndEdit(app, 'reads-off');
      await checkGuarantees(app, 'reads off');
    });

    // Step 8 — versioned writes off (Phase 1 again).
    await withApp({}, async (app) => {
      await trainAndEdit(app, 'writes-off');
      await checkGuarantees(app, 'writes off');
    });

    // Step 9 — every migration after the legacy schema down, then up again.
    const migrations = await db.migrationOrm();
    while (await migrateDown(migrations).catch((e) => (e instanceof MigrationRefused ? null : Promise.reject(e))));
    await migrateUp(migrations);
    await withApp({}, async (app) => {
      await trainAndEdit(app, 'migrated');
      await checkGuarantees(app, 'migrations down and up');
    });
  });
});
