import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { pgArray } from '../../db/pg-array.js';
import { queryRows } from '../../db/sql.js';
import { SET_COLUMNS, setRow, timestamp } from '../../db/rows.js';
import { toPerformedSetModel } from '../../sessions/session-store.js';
import type { ExercisePerformanceModel } from '../models.js';

const row = setRow.extend({
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

/**
 * Last performance of many exercises in ONE statement: for each wanted
 * exercise id, the caller's most recent completed session (by start) with a
 * set of it (index `workout_session_sets_user_exercise`, then the session by
 * primary key), joined back to that session's sets of the exercise.
 */
export async function selectLastPerformanceLegacy(
  em: EntityManager,
  userId: string,
  exerciseIds: readonly string[],
): Promise<Map<string, ExercisePerformanceModel>> {
  const rows = await queryRows(
    em,
    'selectLastPerformanceLegacy',
    `with latest as (
       select w.exercise_id, l.session_id
       from (select distinct unnest(?::text[]) as exercise_id) w
       cross join lateral (
         select st.session_id
         from workout_session_sets st
         join workout_sessions s on s.id = st.session_id
         where st.user_id = ? and st.exercise_id = w.exercise_id and s.user_id = ? and s.completed_at is not null
         order by s.started_at desc, s.id desc
         limit 1
       ) l
     )
     select latest.exercise_id as wanted_id, ${SET_COLUMNS},
            s.id as s_id, s.user_id as s_user_id, s.program_id as s_program_id, s.workout_id as s_workout_id,
            s.workout_name_snapshot as s_workout_name_snapshot, s.started_at as s_started_at, s.completed_at as s_completed_at,
            s.program_version_id as s_program_version_id, s.workout_version_id as s_workout_version_id
     from latest
     join workout_sessions s on s.id = latest.session_id
     join workout_session_sets st on st.session_id = latest.session_id and st.exercise_id = latest.exercise_id
     order by latest.exercise_id, st.set_number, st.id`,
    [pgArray(exerciseIds), userId, userId],
    row,
  );
  const result = new Map<string, ExercisePerformanceModel>();
  for (const r of rows) {
    const set = toPerformedSetModel(r);
    const existing = result.get(r.wanted_id);
    if (existing) {
      result.set(r.wanted_id, { ...existing, sets: [...existing.sets, set] });
      continue;
    }
    result.set(r.wanted_id, {
      exerciseId: r.wanted_id,
      sets: [set],
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
  return result;
}
