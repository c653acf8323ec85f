import pg from 'pg';

/**
 * The backfill's set-based SQL ceiling: the same linking as `npm run backfill`
 * — every program to version 1 (workouts, exercises, schedule), sessions to
 * their workout version (filling a NULL name snapshot), sets to their exercise
 * version — as nine plain statements in one transaction, with no batching,
 * no checkpoint, no report and no client round trip per batch.
 *
 * It reads Phase 1 blobs only (ids present, sets in full form) and matches by
 * id only: no normalisation of older blob variants, no name matching, no
 * ambiguity checks. On the bench corpus (all Phase 1 blobs, every logged id
 * present) it links exactly what the backfill links, and the bench checks
 * that. `content_hash` is md5 of the blob text, a stand-in of similar cost.
 * The history guards (triggers) stay on: both pay for them.
 */
const STATEMENTS: readonly string[] = [
  `/* ceilingVersions */ create temp table bf_versions on commit drop as
   select gen_random_uuid() as id, p.id as program_id, p.user_id, p.name, p.program_json
   from programs p where p.current_version_id is null and jsonb_typeof(p.program_json -> 'workouts') = 'array'`,
  `/* ceilingInsertVersions */ insert into program_versions (id, program_id, user_id, version_number, parent_version_id, source, name, content_hash)
   select v.id, v.program_id, v.user_id, 1, null, 'BACKFILL', v.name, md5(v.program_json::text) from bf_versions v`,
  `/* ceilingWorkouts */ create temp table bf_workouts on commit drop as
   select gen_random_uuid() as id, v.id as version_id, v.user_id, w.value ->> 'id' as workout_id, (w.ordinality - 1)::int as position,
          w.value ->> 'name' as name, w.value -> 'exercises' as exercises
   from bf_versions v cross join lateral jsonb_array_elements(v.program_json -> 'workouts') with ordinality w`,
  `/* ceilingInsertWorkouts */ insert into program_version_workouts (id, program_version_id, user_id, workout_id, position, name)
   select w.id, w.version_id, w.user_id, w.workout_id, w.position, w.name from bf_workouts w`,
  `/* ceilingInsertExercises */ insert into program_version_exercises (id, program_version_id, program_version_workout_id, user_id, exercise_id, position, name, notes, sets)
   select gen_random_uuid(), w.version_id, w.id, w.user_id, e.value ->> 'id', (e.ordinality - 1)::int, e.value ->> 'name', e.value ->> 'notes',
          (select jsonb_agg(jsonb_build_object('reps', (s.value ->> 'reps')::int, 'repsMax', (s.value ->> 'repsMax')::int,
                  'weightKg', (s.value ->> 'weightKg')::numeric, 'restSeconds', (s.value ->> 'restSeconds')::int) order by s.ordinality)
           from jsonb_array_elements(e.value -> 'sets') with ordinality s)
   from bf_workouts w cross join lateral jsonb_array_elements(w.exercises) with ordinality e`,
  `/* ceilingInsertSchedule */ insert into program_version_schedule (program_version_id, user_id, position, day_of_week, program_version_workout_id)
   select v.id, v.user_id, (s.ordinality - 1)::int, (s.value ->> 'dayOfWeek')::smallint, w.id
   from bf_versions v cross join lateral jsonb_array_elements(v.program_json -> 'schedule') with ordinality s
   join bf_workouts w on w.version_id = v.id and w.position = (s.value ->> 'workoutIndex')::int`,
  `/* ceilingPointPrograms */ update programs p set current_version_id = v.id, legacy_json_version_id = v.id
   from bf_versions v where p.id = v.program_id`,
  `/* ceilingLinkSessions */ update workout_sessions s
   set program_version_id = w.version_id, workout_version_id = w.id, workout_name_snapshot = coalesce(s.workout_name_snapshot, w.name)
   from bf_versions v join bf_workouts w on w.version_id = v.id
   where s.program_id = v.program_id and s.workout_id = w.workout_id and s.program_version_id is null`,
  `/* ceilingLinkSets */ update workout_session_sets st set exercise_version_id = e.id
   from workout_sessions s join program_version_exercises e on e.program_version_id = s.program_version_id
   where st.session_id = s.id and e.exercise_id = st.exercise_id and st.exercise_version_id is null`,
];

export interface CeilingTiming {
  readonly totalMs: number;
  /** Per statement label, in order. */
  readonly statementsMs: Record<string, number>;
}

export async function runBackfillCeiling(url: string): Promise<CeilingTiming> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const statementsMs: Record<string, number> = {};
    const started = performance.now();
    await client.query('begin');
    for (const sql of STATEMENTS) {
      const t = performance.now();
      await client.query(sql);
      statementsMs[/\/\* (\w+) \*\//.exec(sql)?.[1] ?? `statement${Object.keys(statementsMs).length}`] = Math.round(performance.now() - t);
    }
    await client.query('commit');
    return { totalMs: performance.now() - started, statementsMs };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

export interface LinkCounts {
  readonly versions: number;
  readonly workoutRows: number;
  readonly exerciseRows: number;
  readonly scheduleRows: number;
  readonly linkedSessions: number;
  readonly linkedSets: number;
  /** Sets linked to an exercise version with the stable id they were logged with. */
  readonly setsOnTheirExercise: number;
  readonly nullSnapshots: number;
}

/** What a linking produced, to check that the ceiling did the backfill's work. */
export async function countLinks(url: string): Promise<LinkCounts> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query(`/* benchCountLinks */ select
      (select count(*) from program_versions)::int as versions,
      (select count(*) from program_version_workouts)::int as "workoutRows",
      (select count(*) from program_version_exercises)::int as "exerciseRows",
      (select count(*) from program_version_schedule)::int as "scheduleRows",
      (select count(*) from workout_sessions where workout_version_id is not null)::int as "linkedSessions",
      (select count(*) from workout_session_sets where exercise_version_id is not null)::int as "linkedSets",
      (select count(*) from workout_session_sets st join program_version_exercises e on e.id = st.exercise_version_id
         where e.exercise_id = st.exercise_id)::int as "setsOnTheirExercise",
      (select count(*) from workout_sessions where workout_name_snapshot is null)::int as "nullSnapshots"`);
    return rows[0] as LinkCounts;
  } finally {
    await client.end();
  }
}
