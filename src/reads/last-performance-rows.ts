import { z } from 'zod';
import { SET_COLUMNS, setRow, timestamp } from '../db/rows.js';
import { HISTORY_LIMITS } from '../domain/history-limits.js';
import { pgArray } from '../db/pg-array.js';
import { exposedIdIn, type ParsedExposedId } from '../domain/exposed-ids.js';
import type { WantedExercise } from './compose-read-path.js';
import type { LastPerformances } from './last-performance-cache.js';
import type { ExercisePerformanceModel, PerformedSetModel, SessionModel } from '../models/read-models.js';

/**
 * The wanted exercises as rows `w(wanted_id, exercise_id, any_program, program_id)`
 * from three array parameters: the exposed id asked for, the stored id history
 * logged, and where it was logged — `*` in any program (a UUID), a program id,
 * or '' outside any program. Bind `wantedParams(...)` in its place.
 */
export const WANTED_EXERCISES = `(select distinct w.wanted_id, w.exercise_id, w.program_key = '*' as any_program,
     case when w.program_key in ('*', '') then null else w.program_key::uuid end as program_id
   from unnest(?::text[], ?::text[], ?::text[]) as w(wanted_id, exercise_id, program_key))`;

const programKey = (parsed: ParsedExposedId): string => (parsed.in === 'program' ? parsed.programId : parsed.in === 'any program' ? '*' : '');

export function wantedParams(wanted: readonly WantedExercise[]): string[] {
  return [pgArray(wanted.map((w) => w.exposedId)), pgArray(wanted.map((w) => w.parsed.storedId)), pgArray(wanted.map((w) => programKey(w.parsed)))];
}

/**
 * How both last-performance statements keep their plan bounded by what they
 * look for, not by how long the caller's history is, whatever PostgreSQL's
 * statistics say (custom or generic plan):
 * - `latest` is a MATERIALIZED CTE: each wanted exercise finds its session
 *   once, before anything joins to it. Inlined, the planner may join the
 *   caller's every session and set first and run the search once per set.
 * - `EXISTS (… offset 0)`: an EXISTS with an OFFSET is neither turned into a
 *   join nor into a hashed subplan, so it stays a lookup per outer row: the
 *   "ever logged" check probes an index once per exercise, and the search
 *   walks the caller's sessions newest first (index `workout_sessions_user_started`)
 *   and stops at the first one holding a set of the exercise. As a join, the
 *   planner may read every session and every set of the exercise and sort them.
 * - The found session and its sets of the exercise are read through LATERAL
 *   subqueries with the same OFFSET: a lookup per found session, never a
 *   hash join over all the caller's sessions or sets.
 */
export const PROBE_FENCE = 'offset 0';

/** A session `s` may hold the wanted exercise of row `w`: a legacy id is reused by other programs, so it counts in its own program only. */
export const SESSION_OF_WANTED = (w: string) => `(${w}.any_program or s.program_id is not distinct from ${w}.program_id)`;

/** What both last-performance statements select: the wanted id, a set, and its session (prefixed `s_`). */
export const LAST_PERFORMANCE_COLUMNS = `latest.wanted_id, ${SET_COLUMNS},
  s.id as s_id, s.user_id as s_user_id, s.program_id as s_program_id, s.workout_id as s_workout_id,
  s.workout_name_snapshot as s_workout_name_snapshot, s.started_at as s_started_at, s.completed_at as s_completed_at,
  s.program_version_id as s_program_version_id, s.workout_version_id as s_workout_version_id`;

/**
 * The final select of a last-performance statement (`select ${LAST_PERFORMANCE_COLUMNS} from …`,
 * unordered), wrapped so that the statement also returns the caller's history
 * watermark, read in the same snapshot as the performances: on every row, and
 * on a row of its own (all else null) when there is no performance at all.
 * Bind the user id after the statement's other parameters.
 */
export const WITH_HISTORY_WATERMARK = (select: string) => `select hw.history_watermark, r.*
  from (select coalesce((select h.watermark from history_watermarks h where h.user_id = ?), 0)::text as history_watermark) hw
  left join (${select}) r on true
  order by r.wanted_id, r.set_number, r.id`;

const lastPerformanceRow = setRow.extend({
  history_watermark: z.string(),
  wanted_id: z.string(),
  s_id: z.string(),
  s_user_id: z.string(),
  s_program_id: z.string().nullable(),
  s_workout_id: z.string().nullable(),
  s_workout_name_snapshot: z.string().nullable(),
  s_started_at: timestamp,
  s_completed_at: timestamp.nullable(),
  s_program_version_id: z.string().nullable(),
  s_workout_version_id: z.string().nullable(),
});

/** A row of a statement wrapped by `WITH_HISTORY_WATERMARK`; the likelier shape first. */
export const lastPerformanceOrWatermarkRow = z.union([lastPerformanceRow, z.object({ history_watermark: z.string(), wanted_id: z.null() })]);

/**
 * Rows ordered by wanted id then set → one performance per wanted id, with
 * its first `maxSetsPerPerformance` sets. What the rows repeat is built once
 * and shared: a session that holds the last performance of several exercises
 * (a workout's exercises are usually all last done in one session) is one
 * model, and a set's session id and exercise are those of its session and of
 * the set before it. Performances are kept by the process between requests
 * (LastPerformanceCache), so every full collection marks them: the workout
 * screen's 42 exercises came from a handful of sessions, each repeated
 * per exercise, strings and dates included.
 */
export function groupPerformances(rows: readonly z.output<typeof lastPerformanceOrWatermarkRow>[]): LastPerformances {
  const sets = new Map<string, PerformedSetModel[]>();
  const sessions = new Map<string, SessionModel>();
  const result = new Map<string, ExercisePerformanceModel>();
  let previous: { row: LastPerformanceRow; set: PerformedSetModel } | null = null;
  for (const r of rows) {
    if (r.wanted_id === null) continue;
    const list = sets.get(r.wanted_id);
    if (list && list.length >= HISTORY_LIMITS.maxSetsPerPerformance) continue;
    const session = sessions.get(r.s_id) ?? sessionOf(r, sessions);
    const set = setOf(r, session, previous);
    previous = { row: r, set };
    if (list) {
      list.push(set);
      continue;
    }
    const own = [set];
    sets.set(r.wanted_id, own);
    result.set(r.wanted_id, { exerciseId: r.wanted_id, sets: own, session });
  }
  const [first] = rows;
  if (!first) throw new Error('a last-performance statement returns at least its watermark row');
  return { historyWatermark: first.history_watermark, performances: result };
}

type LastPerformanceRow = z.output<typeof lastPerformanceRow>;

function sessionOf(r: LastPerformanceRow, sessions: Map<string, SessionModel>): SessionModel {
  const session: SessionModel = {
    id: r.s_id,
    userId: sessions.values().next().value?.userId ?? r.s_user_id,
    programId: r.s_program_id,
    workoutId: r.s_workout_id,
    workoutNameSnapshot: r.s_workout_name_snapshot,
    startedAt: r.s_started_at,
    completedAt: r.s_completed_at,
    programVersionId: r.s_program_version_id,
    workoutVersionId: r.s_workout_version_id,
  };
  sessions.set(r.s_id, session);
  return session;
}

/** The row's set, with its session's id, and the exercise of the set before it when the row repeats it. */
function setOf(r: LastPerformanceRow, session: SessionModel, previous: { row: LastPerformanceRow; set: PerformedSetModel } | null): PerformedSetModel {
  const same = previous !== null && previous.row.exercise_id === r.exercise_id && previous.row.s_program_id === r.s_program_id;
  // A literal, not a spread of the row's model: one hidden class for every set (see `prescribedSets`).
  return {
    id: r.id,
    sessionId: session.id,
    // As `withExposedExercise` shows it: qualified by the session's program where it is a legacy id.
    exerciseId: same ? previous.set.exerciseId : r.exercise_id === null ? null : exposedIdIn(r.s_program_id, r.exercise_id),
    exerciseName: previous !== null && previous.set.exerciseName === r.exercise_name ? previous.set.exerciseName : r.exercise_name,
    setNumber: r.set_number,
    reps: r.reps,
    weightKg: r.weight_kg,
    rpe: r.rpe,
    completedAt: r.completed_at,
  };
}
