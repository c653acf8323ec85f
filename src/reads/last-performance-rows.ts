import { z } from 'zod';
import { SET_COLUMNS, setRow, timestamp } from '../db/rows.js';
import { HISTORY_LIMITS } from '../domain/history-limits.js';
import { toPerformedSetModel } from '../store/session-store.js';
import { pgArray } from '../db/pg-array.js';
import type { ParsedExposedId } from '../domain/exposed-ids.js';
import type { WantedExercise } from './compose-read-path.js';
import type { LastPerformances } from './last-performance-cache.js';
import { withExposedExercise, type ExercisePerformanceModel } from '../models/read-models.js';

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

/** Rows ordered by wanted id then set → one performance per wanted id, with its first `maxSetsPerPerformance` sets. */
export function groupPerformances(rows: readonly z.output<typeof lastPerformanceOrWatermarkRow>[]): LastPerformances {
  const sets = new Map<string, ReturnType<typeof toPerformedSetModel>[]>();
  const result = new Map<string, ExercisePerformanceModel>();
  for (const r of rows) {
    if (r.wanted_id === null) continue;
    const list = sets.get(r.wanted_id);
    if (list) {
      if (list.length < HISTORY_LIMITS.maxSetsPerPerformance) list.push(withExposedExercise(toPerformedSetModel(r), r.s_program_id));
      continue;
    }
    const own = [withExposedExercise(toPerformedSetModel(r), r.s_program_id)];
    sets.set(r.wanted_id, own);
    result.set(r.wanted_id, {
      exerciseId: r.wanted_id,
      sets: own,
      session: {
        id: r.s_id,
        userId: r.s_user_id,
        programId: r.s_program_id,
        workoutId: r.s_workout_id,
        workoutNameSnapshot: r.s_workout_name_snapshot,
        startedAt: r.s_started_at,
        completedAt: r.s_completed_at,
        programVersionId: r.s_program_version_id,
        workoutVersionId: r.s_workout_version_id,
      },
    });
  }
  const [first] = rows;
  if (!first) throw new Error('a last-performance statement returns at least its watermark row');
  return { historyWatermark: first.history_watermark, performances: result };
}
