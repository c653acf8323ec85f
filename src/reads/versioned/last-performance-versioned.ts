import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../db/pg-array.js';
import { queryRows } from '../../db/sql.js';
import { groupPerformances, LAST_PERFORMANCE_COLUMNS, lastPerformanceRow } from '../last-performance-rows.js';
import type { ExercisePerformanceModel } from '../models.js';

/**
 * Last performance on the versioned path, in ONE statement. A set counts for
 * an exercise by the STABLE id of the exercise version it is linked to — so an
 * exercise renamed or moved by an edit keeps its history — and, when it is not
 * linked (yet), by the id it was logged with. Same plan as the legacy path:
 * only exercises the caller ever logged (by either id, index-backed), then the
 * caller's sessions newest first, probed for a set of it.
 */
export async function selectLastPerformanceVersioned(
  em: EntityManager,
  userId: string,
  exerciseIds: readonly string[],
): Promise<Map<string, ExercisePerformanceModel>> {
  const rows = await queryRows(
    em,
    'selectLastPerformanceVersioned',
    `with latest as (
       select w.exercise_id, l.session_id
       from (select distinct unnest(?::text[]) as exercise_id) w
       cross join lateral (
         select s.id as session_id
         from workout_sessions s
         where s.user_id = ? and s.completed_at is not null
           and exists (
             select 1 from workout_session_sets st left join program_version_exercises e on e.id = st.exercise_version_id
             where st.session_id = s.id and coalesce(e.exercise_id, st.exercise_id) = w.exercise_id)
         order by s.started_at desc, s.id desc
         limit 1
       ) l
       where exists (select 1 from workout_session_sets g where g.user_id = ? and g.exercise_id = w.exercise_id)
          or exists (select 1 from program_version_exercises e join workout_session_sets g on g.exercise_version_id = e.id
                     where e.user_id = ? and e.exercise_id = w.exercise_id)
     )
     select ${LAST_PERFORMANCE_COLUMNS}
     from latest
     join workout_sessions s on s.id = latest.session_id
     join workout_session_sets st on st.session_id = latest.session_id
     left join program_version_exercises e on e.id = st.exercise_version_id
     where coalesce(e.exercise_id, st.exercise_id) = latest.exercise_id
     order by latest.exercise_id, st.set_number, st.id`,
    [pgArray(exerciseIds), userId, userId, userId],
    lastPerformanceRow,
  );
  return groupPerformances(rows);
}
