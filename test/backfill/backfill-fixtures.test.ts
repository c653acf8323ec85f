import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * One fixture per legacy blob variant of docs/legacy-data.md and one per reason code:
 * each fixture row says what the backfill must do with it.
 */
let db: TestDatabase;
const USER = '60000000-0000-4000-8000-000000000001';
let n = 0;
const uuid = (prefix: string) => `${prefix}-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const SETS = [{ reps: 5, restSeconds: 120 }];
const PHASE_1 = {
  workouts: [
    { id: 'w-a', name: 'Upper A', exercises: [{ id: 'e-bench', name: 'Bench Press', sets: SETS }, { id: 'e-row', name: 'Barbell Row', sets: SETS }] },
    { id: 'w-b', name: 'Lower A', exercises: [{ id: 'e-squat', name: 'Back Squat', sets: SETS }] },
  ],
  schedule: [{ dayOfWeek: 0, workoutIndex: 0 }],
};

const programs: Record<string, { id: string; blob: unknown; deleted?: boolean }> = {
  phase1: { id: uuid('61000000'), blob: PHASE_1 },
  numericIds: { id: uuid('61000000'), blob: { workouts: [{ id: 1, name: 'Push', exercises: [{ id: 2, name: 'Dip', sets: SETS }] }], schedule: [] } },
  missingIds: { id: uuid('61000000'), blob: { workouts: [{ name: 'Pull', exercises: [{ name: 'Chin-up', sets: SETS }] }], schedule: [] } },
  duplicatedIds: {
    id: uuid('61000000'),
    blob: {
      workouts: [
        { id: 'dup', name: 'Day One', exercises: [{ id: 'x', name: 'Press', sets: SETS }] },
        { id: 'dup', name: 'Day Two', exercises: [{ id: 'x', name: 'Deadlift', sets: SETS }] },
      ],
      schedule: [],
    },
  },
  compact: { id: uuid('61000000'), blob: { workouts: [{ id: 'c', name: 'Full Body', exercises: [{ id: 'cx', name: 'Squat', sets: 3, reps: '8-10', weight: 60, rest: '1:30' }] }], schedule: [] } },
  dayNames: { id: uuid('61000000'), blob: { workouts: [{ id: 'd', name: 'Run', exercises: [{ id: 'dx', name: 'Sprint', sets: 2, reps: 1, rest: 60 }] }], schedule: { monday: 0, thursday: 0 } } },
  brokenSchedule: { id: uuid('61000000'), blob: { workouts: [{ id: 'b', name: 'Solo', exercises: [{ id: 'bx', name: 'Curl', sets: SETS }] }], schedule: [{ dayOfWeek: 1, workoutIndex: 4 }, null, { dayOfWeek: 2, workoutIndex: 0, colour: 'red' }], extra: true } },
  unreadableObject: { id: uuid('61000000'), blob: {} },
  unreadableArray: { id: uuid('61000000'), blob: [] },
  unreadableTypes: { id: uuid('61000000'), blob: { workouts: 'x' } },
  softDeleted: { id: uuid('61000000'), blob: PHASE_1, deleted: true },
  sameNames: { id: uuid('61000000'), blob: { workouts: [{ id: 's1', name: 'Twin', exercises: [{ id: 't1', name: 'Lunge', sets: SETS }] }, { id: 's2', name: 'twin ', exercises: [{ id: 't2', name: 'Lunge', sets: SETS }] }], schedule: [] } },
};

interface SessionFixture {
  id: string;
  program: keyof typeof programs | null;
  workoutId: string | null;
  snapshot: string | null;
  sets: { exerciseId: string | null; name: string }[];
}
const sessions: Record<string, SessionFixture> = {
  byId: { id: uuid('62000000'), program: 'phase1', workoutId: 'w-a', snapshot: 'Upper A', sets: [{ exerciseId: 'e-bench', name: 'Bench Press' }] },
  byNumericId: { id: uuid('62000000'), program: 'numericIds', workoutId: '1', snapshot: null, sets: [{ exerciseId: '2', name: 'Dip' }] },
  byNameRenamedId: { id: uuid('62000000'), program: 'phase1', workoutId: 'w-gone', snapshot: '  upper   a ', sets: [{ exerciseId: 'e-old', name: 'BENCH PRESS' }] },
  byExerciseNames: { id: uuid('62000000'), program: 'missingIds', workoutId: null, snapshot: null, sets: [{ exerciseId: null, name: 'Chin-up' }] },
  compactById: { id: uuid('62000000'), program: 'compact', workoutId: 'c', snapshot: null, sets: [{ exerciseId: 'cx', name: 'Squat' }] },
  dayNamesById: { id: uuid('62000000'), program: 'dayNames', workoutId: 'd', snapshot: 'Run', sets: [] },
  softDeletedById: { id: uuid('62000000'), program: 'softDeleted', workoutId: 'w-b', snapshot: null, sets: [{ exerciseId: 'e-squat', name: 'Back Squat' }] },
  noProgram: { id: uuid('62000000'), program: null, workoutId: null, snapshot: 'Free run', sets: [{ exerciseId: null, name: 'Jog' }] },
  unreadableProgram: { id: uuid('62000000'), program: 'unreadableObject', workoutId: 'w1', snapshot: 'Old', sets: [{ exerciseId: 'e1', name: 'Old Lift' }] },
  workoutGone: { id: uuid('62000000'), program: 'phase1', workoutId: 'w-deleted', snapshot: 'Arms', sets: [{ exerciseId: 'e-curl', name: 'Curl' }] },
  ambiguousName: { id: uuid('62000000'), program: 'sameNames', workoutId: null, snapshot: 'TWIN', sets: [] },
  ambiguousExercises: { id: uuid('62000000'), program: 'sameNames', workoutId: null, snapshot: null, sets: [{ exerciseId: null, name: 'Lunge' }] },
  duplicatedIdNoName: { id: uuid('62000000'), program: 'duplicatedIds', workoutId: 'dup', snapshot: null, sets: [{ exerciseId: 'x', name: 'Bench' }] },
  duplicatedIdWithName: { id: uuid('62000000'), program: 'duplicatedIds', workoutId: 'dup', snapshot: 'Day Two', sets: [{ exerciseId: 'x', name: 'Deadlift' }] },
  nothingToGoOn: { id: uuid('62000000'), program: 'phase1', workoutId: null, snapshot: null, sets: [] },
  setExerciseGone: { id: uuid('62000000'), program: 'phase1', workoutId: 'w-a', snapshot: 'Upper A', sets: [{ exerciseId: 'e-vanished', name: 'Cable Fly' }, { exerciseId: null, name: 'Mystery' }] },
};
const setIds = new Map<string, string[]>();

beforeAll(async () => {
  db = await createTestDatabase();
  for (const p of Object.values(programs)) {
    await db.sql.query(`insert into programs (id, user_id, name, program_json, deleted_at) values ($1, $2, 'P', $3, $4)`, [
      p.id,
      USER,
      JSON.stringify(p.blob),
      p.deleted ? new Date() : null,
    ]);
  }
  for (const [key, s] of Object.entries(sessions)) {
    await db.sql.query(
      `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at) values ($1, $2, $3, $4, $5, '2025-01-01', '2025-01-01')`,
      [s.id, USER, s.program ? programs[s.program]!.id : null, s.workoutId, s.snapshot],
    );
    const ids = [];
    for (const [i, set] of s.sets.entries()) {
      const id = uuid('63000000');
      ids.push(id);
      await db.sql.query(`insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps) values ($1, $2, $3, $4, $5, $6, 5)`, [
        id,
        s.id,
        USER,
        set.exerciseId,
        set.name,
        i + 1,
      ]);
    }
    setIds.set(key, ids);
  }
});
afterAll(async () => db.close());

describe('backfill over one fixture per legacy variant and reason code', () => {
  let outcome: Awaited<ReturnType<typeof runBackfill>>;
  let items: Map<string, { kind: string; reason: string }>;

  beforeAll(async () => {
    outcome = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 3 });
    const { rows } = await db.sql.query('select kind, record_id, reason from backfill_items where run_id = $1', [outcome.runId]);
    items = new Map(rows.map((r) => [r.record_id, { kind: r.kind, reason: r.reason }]));
  });

  const sessionLink = async (key: string) =>
    (
      await db.sql.query(
        `select s.workout_name_snapshot, w.workout_id, v.version_number, v.source from workout_sessions s
         left join program_version_workouts w on w.id = s.workout_version_id left join program_versions v on v.id = s.program_version_id where s.id = $1`,
        [sessions[key]!.id],
      )
    ).rows[0];
  const setLinks = async (key: string) =>
    (
      await db.sql.query(
        `select e.exercise_id from workout_session_sets st left join program_version_exercises e on e.id = st.exercise_version_id where st.session_id = $1 order by st.set_number`,
        [sessions[key]!.id],
      )
    ).rows.map((r) => r.exercise_id);

  it('versions every readable program (soft-deleted ones too) and reports the unreadable ones', async () => {
    expect(outcome.programs).toEqual({ total: 12, versioned: 9, alreadyVersioned: 0, unreadable: 3 });
    for (const key of ['unreadableObject', 'unreadableArray', 'unreadableTypes']) expect(items.get(programs[key]!.id)).toEqual({ kind: 'program', reason: 'UNREADABLE_BLOB' });
    const { rows } = await db.sql.query(`select p.id, v.version_number, v.source from programs p join program_versions v on v.id = p.current_version_id`);
    expect(rows).toHaveLength(9);
    for (const r of rows) expect([r.version_number, r.source]).toEqual([1, 'BACKFILL']);
  });

  it('normalises every readable variant into version 1 with the ids reads show', async () => {
    const workoutsOf = async (key: string) =>
      (
        await db.sql.query(
          `select w.workout_id, w.name, (select json_agg(json_build_object('id', e.exercise_id, 'sets', e.sets) order by e.position) from program_version_exercises e where e.program_version_workout_id = w.id) as exercises
           from programs p join program_version_workouts w on w.program_version_id = p.current_version_id where p.id = $1 order by w.position`,
          [programs[key]!.id],
        )
      ).rows;
    expect((await workoutsOf('numericIds'))[0].workout_id).toBe('1');
    expect((await workoutsOf('missingIds'))[0].workout_id).toBe(`${programs.missingIds!.id}/w0`);
    expect((await workoutsOf('duplicatedIds')).map((w) => w.workout_id)).toEqual([`${programs.duplicatedIds!.id}/w0`, `${programs.duplicatedIds!.id}/w1`]);
    expect((await workoutsOf('compact'))[0].exercises[0].sets).toEqual([
      { reps: 8, repsMax: 10, weightKg: 60, restSeconds: 90 },
      { reps: 8, repsMax: 10, weightKg: 60, restSeconds: 90 },
      { reps: 8, repsMax: 10, weightKg: 60, restSeconds: 90 },
    ]);
    const schedule = async (key: string) =>
      (
        await db.sql.query(
          `select s.day_of_week, w.workout_id from programs p join program_version_schedule s on s.program_version_id = p.current_version_id
           join program_version_workouts w on w.id = s.program_version_workout_id where p.id = $1 order by s.position`,
          [programs[key]!.id],
        )
      ).rows.map((r) => [r.day_of_week, r.workout_id]);
    expect(await schedule('dayNames')).toEqual([[0, 'd'], [3, 'd']]);
    expect(await schedule('brokenSchedule')).toEqual([[2, 'b']]);
  });

  it.each([
    ['byId', 'Upper A', 'w-a', ['e-bench']],
    ['byNumericId', 'Push', '1', ['2']],
    ['compactById', 'Full Body', 'c', ['cx']],
    ['dayNamesById', 'Run', 'd', []],
    ['softDeletedById', 'Lower A', 'w-b', ['e-squat']],
  ])('links %s by stable id and fills a missing name snapshot', async (key, name, workoutId, exercises) => {
    expect(await sessionLink(key)).toEqual({ workout_name_snapshot: name, workout_id: workoutId, version_number: 1, source: 'BACKFILL' });
    expect(await setLinks(key)).toEqual(exercises);
  });

  it('links by normalised name, never overwriting a snapshot', async () => {
    expect(await sessionLink('byNameRenamedId')).toMatchObject({ workout_name_snapshot: '  upper   a ', workout_id: 'w-a' });
    expect(await setLinks('byNameRenamedId')).toEqual(['e-bench']);
    expect(await sessionLink('duplicatedIdWithName')).toMatchObject({ workout_id: `${programs.duplicatedIds!.id}/w1` });
  });

  it('links a session with no id and no snapshot by the exercises it logged', async () => {
    expect(await sessionLink('byExerciseNames')).toMatchObject({ workout_name_snapshot: 'Pull', workout_id: `${programs.missingIds!.id}/w0` });
  });

  it.each([
    ['noProgram', 'NO_PROGRAM'],
    ['unreadableProgram', 'PROGRAM_UNREADABLE'],
    ['workoutGone', 'WORKOUT_NOT_IN_PROGRAM'],
    ['duplicatedIdNoName', 'WORKOUT_NOT_IN_PROGRAM'],
    ['ambiguousName', 'AMBIGUOUS_WORKOUT'],
    ['ambiguousExercises', 'AMBIGUOUS_WORKOUT'],
    ['nothingToGoOn', 'NO_WORKOUT_EVIDENCE'],
  ])('reports session %s as %s, with its sets, and links nothing', async (key, reason) => {
    expect(items.get(sessions[key]!.id)).toEqual({ kind: 'session', reason });
    expect(await sessionLink(key)).toMatchObject({ workout_id: null, version_number: null });
    for (const id of setIds.get(key)!) expect(items.get(id)).toEqual({ kind: 'set', reason: 'SESSION_UNMATCHED' });
  });

  it('reports sets whose exercise is gone or unknown', async () => {
    const [gone, mystery] = setIds.get('setExerciseGone')!;
    expect(items.get(gone!)).toEqual({ kind: 'set', reason: 'EXERCISE_NOT_IN_PROGRAM' });
    expect(items.get(mystery!)).toEqual({ kind: 'set', reason: 'NO_EXERCISE_EVIDENCE' });
  });

  it('accounts for every record: totals are the sums, unmatched counts equal the items', async () => {
    for (const kind of ['programs', 'sessions', 'sets'] as const) {
      const { total, ...rest } = outcome[kind] as Record<string, number>;
      expect(total).toBe(Object.values(rest).reduce((a, b) => a + b, 0));
    }
    const itemCount = (kind: string) => [...items.values()].filter((i) => i.kind === kind).length;
    expect(outcome.sessions.total).toBe(Object.keys(sessions).length);
    expect(outcome.sessions.unmatched).toBe(itemCount('session'));
    expect(outcome.sets.total).toBe([...setIds.values()].flat().length);
    expect(outcome.sets.unmatched).toBe(itemCount('set'));
    const { rows } = await db.sql.query(`select status, phase, counts from backfill_runs where id = $1`, [outcome.runId]);
    expect(rows[0]).toMatchObject({ status: 'completed', phase: 'done' });
    expect(rows[0].counts.sessions).toEqual(outcome.sessions);
  });
});
