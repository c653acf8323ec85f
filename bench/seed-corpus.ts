import { createHash } from 'node:crypto';
import pg from 'pg';
import { withDeferredIndexes } from './deferred-indexes.js';

/**
 * The bench corpus: legacy rows only (programs with Phase 1 blobs, a year of
 * sessions and sets), generated INSIDE PostgreSQL with generate_series — no
 * row crosses the wire, so millions of sets seed in a minute or two. The real
 * backfill then versions them.
 *
 * Everything is a function of the user's index, so the bench knows every id
 * without reading it back, and two runs seed identical data:
 * - athlete i: 2 programs (the active one, which history is logged against,
 *   and an older inactive one); 4–6 workouts of 5–8 exercises, 3–4 prescribed
 *   sets each; a weekly schedule with one day per workout;
 * - 3 sessions a week for `weeks` weeks, rotating through the workouts; 3
 *   logged sets per exercise; 2% never completed; the first third logged
 *   before Phase 1 (NULL `workout_name_snapshot`, which the backfill fills);
 * - library user j: 50 programs and no history (for `_entities` with 50 keys).
 */

export interface CorpusShape {
  readonly users: number;
  readonly libraryUsers: number;
  readonly weeks: number;
  /** Users per INSERT statement. */
  readonly chunkUsers: number;
}

export interface CorpusCounts {
  programs: number;
  sessions: number;
  sets: number;
}

export const LIBRARY_PROGRAMS_PER_USER = 50;
/** Library users' indexes start here, so they never collide with athletes'. */
const LIBRARY_BASE = 1_000_000;
/** The last day of history; fixed so that runs are comparable. */
export const CORPUS_END = '2025-06-30T00:00:00Z';

function md5Uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const athleteId = (i: number): string => md5Uuid(`bench-user-${i}`);
export const libraryUserId = (j: number): string => md5Uuid(`bench-user-${LIBRARY_BASE + j}`);
export const programId = (userIndex: number, k: number): string => md5Uuid(`bench-program-${userIndex}-${k}`);
export const libraryProgramIds = (j: number): string[] =>
  Array.from({ length: LIBRARY_PROGRAMS_PER_USER }, (_, k) => programId(LIBRARY_BASE + j, k));

const EXERCISES = [
  'Back Squat', 'Front Squat', 'Bench Press', 'Incline Bench Press', 'Overhead Press', 'Push Press', 'Deadlift',
  'Romanian Deadlift', 'Barbell Row', 'Pendlay Row', 'Pull-Up', 'Chin-Up', 'Lat Pulldown', 'Seated Cable Row',
  'Dumbbell Bench Press', 'Dumbbell Row', 'Lunge', 'Bulgarian Split Squat', 'Leg Press', 'Leg Curl', 'Leg Extension',
  'Hip Thrust', 'Calf Raise', 'Face Pull', 'Lateral Raise', 'Rear Delt Fly', 'Biceps Curl', 'Hammer Curl',
  'Triceps Pushdown', 'Skull Crusher', 'Dip', 'Plank', 'Hanging Leg Raise', 'Ab Wheel', 'Good Morning', 'Farmer Carry',
  'Close-Grip Bench Press', 'Arnold Press', 'Goblet Squat', 'Sumo Deadlift',
];
const WORKOUTS = ['Upper A', 'Lower A', 'Push', 'Pull', 'Legs', 'Full Body', 'Upper B', 'Lower B'];

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Session-local helper functions (pg_temp: nothing is left in the database).
 * Immutable one-line SQL functions, which the planner inlines.
 */
const HELPERS = [
  `create function pg_temp.n_workouts(i int) returns int language sql immutable as $$ select 4 + i % 3 $$`,
  `create function pg_temp.n_exercises(i int, w int) returns int language sql immutable as $$ select 5 + (i + w) % 4 $$`,
  `create function pg_temp.exercise_name(i int, w int, e int) returns text language sql immutable as $$
     select (array[${EXERCISES.map(sqlText).join(',')}])[1 + (i * 7 + w * 11 + e * 3) % ${EXERCISES.length}] $$`,
  `create function pg_temp.workout_name(i int, w int) returns text language sql immutable as $$
     select (array[${WORKOUTS.map(sqlText).join(',')}])[1 + (i + w) % ${WORKOUTS.length}] $$`,
  `create function pg_temp.uid(i int) returns uuid language sql immutable as $$ select md5('bench-user-' || i::text)::uuid $$`,
  `create function pg_temp.pid(i int, k int) returns uuid language sql immutable as $$ select md5('bench-program-' || i::text || '-' || k::text)::uuid $$`,
  // A Phase 1 blob (docs/legacy-data.md); `k` varies the content between a user's programs.
  `create function pg_temp.blob(i int, k int) returns jsonb language sql immutable as $$
     select jsonb_build_object(
       'workouts', (select jsonb_agg(jsonb_build_object(
           'id', 'w' || (w + 1)::text,
           'name', pg_temp.workout_name(i + k, w),
           'exercises', (select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
               'id', 'e' || (w + 1)::text || '-' || (e + 1)::text,
               'name', pg_temp.exercise_name(i + k, w, e),
               'notes', case when e = 0 then 'Two warm-up sets first' end,
               'sets', (select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'reps', 5 + (e % 3) * 2,
                   'repsMax', case when e % 3 <> 2 then 7 + (e % 3) * 2 end,
                   'weightKg', case when e % 5 <> 4 then 20 + ((i + e * 3) % 32) * 2.5 end,
                   'restSeconds', 60 + (e % 4) * 30)) order by s)
                 from generate_series(1, 3 + e % 2) s))) order by e)
             from generate_series(0, pg_temp.n_exercises(i + k, w) - 1) e)) order by w)
         from generate_series(0, pg_temp.n_workouts(i + k) - 1) w),
       'schedule', (select jsonb_agg(jsonb_build_object('dayOfWeek', (j * 7) / pg_temp.n_workouts(i + k), 'workoutIndex', j) order by j)
         from generate_series(0, pg_temp.n_workouts(i + k) - 1) j)) $$`,
];

const INSERT_ATHLETE_PROGRAMS = `/* benchSeedPrograms */
insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at)
select pg_temp.pid(i, k), pg_temp.uid(i),
       case when k = 0 then 'Strength block ' || (i % 9 + 1)::text else 'Old hypertrophy block' end,
       k = 0, pg_temp.blob(i, k),
       $3::timestamptz - interval '1 day' * (400 + k * 30),
       $3::timestamptz - interval '1 day' * (380 + k * 30)
from generate_series($1::int, $2::int - 1) i cross join generate_series(0, 1) k`;

const INSERT_LIBRARY_PROGRAMS = `/* benchSeedLibraryPrograms */
insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at)
select pg_temp.pid(i, k), pg_temp.uid(i), 'Template ' || (k + 1)::text, k = 0, pg_temp.blob(i, k),
       $3::timestamptz - interval '1 hour' * (${LIBRARY_PROGRAMS_PER_USER} - k), $3::timestamptz - interval '1 hour' * (${LIBRARY_PROGRAMS_PER_USER} - k)
from generate_series($1::int, $2::int - 1) i cross join generate_series(0, ${LIBRARY_PROGRAMS_PER_USER - 1}) k`;

/**
 * The session grid: user i, session n, its workout w, id and start time —
 * one row per session, computed once (the sets statement multiplies it out).
 */
const SESSION_GRID = `select i, n, g.w, md5('bench-session-' || i::text || '-' || n::text)::uuid as session_id, pg_temp.uid(i) as user_id,
    $3::timestamptz - interval '1 day' * ($4::int * 7)
      + interval '1 day' * ((n / 3) * 7 + (n % 3) * 2)
      + interval '1 minute' * (17 * 60 + (i % 4) * 60 + (i * 7) % 60) as started
  from generate_series($1::int, $2::int - 1) i
  cross join generate_series(0, $4::int * 3 - 1) n
  cross join lateral (select n % pg_temp.n_workouts(i) as w) g`;

const INSERT_SESSIONS = `/* benchSeedSessions */
insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at, notes)
select g.session_id, g.user_id, pg_temp.pid(g.i, 0), 'w' || (g.w + 1)::text,
       case when g.n >= $4::int then pg_temp.workout_name(g.i, g.w) end,
       g.started,
       case when (g.n * 31 + g.i) % 50 <> 0 then g.started + interval '65 minutes' end,
       case when g.n % 10 = 0 then 'felt strong' end
from (${SESSION_GRID}) g`;

const INSERT_SETS = `/* benchSeedSets */
with g as materialized (${SESSION_GRID})
insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at)
select md5('bench-set-' || g.session_id::text || '-' || e::text || '-' || s::text)::uuid, g.session_id, g.user_id,
       'e' || (g.w + 1)::text || '-' || (e + 1)::text, pg_temp.exercise_name(g.i, g.w, e), s,
       8 - s + (g.n + e) % 3,
       case when e % 5 <> 4 then 20 + ((g.i + e * 3) % 32) * 2.5 + (g.n / 3) * 0.5 end,
       6.5 + s * 0.5,
       g.started + interval '1 minute' * (e * 9 + s * 3)
from g
cross join generate_series(0, pg_temp.n_exercises(g.i, g.w) - 1) e
cross join generate_series(1, 3) s`;

/** The statements, for EXPLAIN when tuning the seed. */
export const SEED_SQL = { HELPERS, INSERT_ATHLETE_PROGRAMS, INSERT_SESSIONS, INSERT_SETS } as const;

/** Seeds the corpus into a migrated, empty database; `onProgress` gets one line per chunk. */
export async function seedCorpus(url: string, shape: CorpusShape, onProgress: (line: string) => void): Promise<CorpusCounts> {
  const client = new pg.Client(url);
  await client.connect();
  const counts: CorpusCounts = { programs: 0, sessions: 0, sets: 0 };
  try {
    for (const helper of HELPERS) await client.query(helper);
    const end = CORPUS_END;
    await withDeferredIndexes(client, ['programs', 'workout_sessions', 'workout_session_sets'], async () => {
      const lib = await client.query(INSERT_LIBRARY_PROGRAMS, [LIBRARY_BASE + 1, LIBRARY_BASE + 1 + shape.libraryUsers, end]);
      counts.programs += lib.rowCount ?? 0;
      for (let from = 1; from <= shape.users; from += shape.chunkUsers) {
        const to = Math.min(shape.users + 1, from + shape.chunkUsers);
        counts.programs += (await client.query(INSERT_ATHLETE_PROGRAMS, [from, to, end])).rowCount ?? 0;
        counts.sessions += (await client.query(INSERT_SESSIONS, [from, to, end, shape.weeks])).rowCount ?? 0;
        counts.sets += (await client.query(INSERT_SETS, [from, to, end, shape.weeks])).rowCount ?? 0;
        onProgress(`seeded users ${from}–${to - 1} of ${shape.users}: ${counts.sessions} sessions, ${counts.sets} sets so far`);
      }
      onProgress('seed: building indexes and foreign keys');
    });
    await client.query('vacuum analyze programs');
    await client.query('vacuum analyze workout_sessions');
    await client.query('vacuum analyze workout_session_sets');
    return counts;
  } finally {
    await client.end();
  }
}
