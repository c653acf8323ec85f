import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../db/pg-array.js';
import { queryRows } from '../../db/sql.js';
import { groupPerformances, LAST_PERFORMANCE_COLUMNS, lastPerformanceRow } from '../last-performance-rows.js';
import type { ExercisePerformanceModel } from '../models.js';

/**
 * Last performance of many exercises in ONE statement: for each wanted
 * exercise id, the caller's most recent completed session (by start) with a
 * set logged under that id (index `workout_session_sets_user_exercise`, then
 * the session by primary key), joined back to that session's sets of it.
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
     select ${LAST_PERFORMANCE_COLUMNS}
     from latest
     join workout_sessions s on s.id = latest.session_id
     join workout_session_sets st on st.session_id = latest.session_id and st.exercise_id = latest.exercise_id
     order by latest.exercise_id, st.set_number, st.id`,
    [pgArray(exerciseIds), userId, userId],
    lastPerformanceRow,
  );
  return groupPerformances(rows);
}
