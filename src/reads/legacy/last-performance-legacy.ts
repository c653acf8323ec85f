import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows } from '../../db/sql.js';
import type { LastPerformances } from '../last-performance-cache.js';
import type { WantedExercise } from '../compose-read-path.js';
import { groupPerformances, LAST_PERFORMANCE_COLUMNS, lastPerformanceOrWatermarkRow, PROBE_FENCE, SESSION_OF_WANTED, WITH_HISTORY_WATERMARK, WANTED_EXERCISES, wantedParams } from '../last-performance-rows.js';

/**
 * Last performance of many exercises in ONE statement: for each wanted
 * exercise id the caller ever logged (index `workout_session_sets_user_exercise`),
 * the caller's sessions newest first (index `workout_sessions_user_started`)
 * probed for a set of it — a recently trained exercise is found in the first
 * few sessions — joined back to that session's sets of it (each step an index
 * lookup; `PROBE_FENCE` says how the plan is held to that). Measured on a
 * 6M-set corpus: 0.7–2.4 ms for 26 exercises, against 13–17 ms for reading
 * every set of each exercise and sorting. A legacy id ("1") is looked for in
 * its own program's sessions only: other programs reuse it.
 */
export async function selectLastPerformanceLegacy(
  em: EntityManager,
  userId: string,
  wanted: readonly WantedExercise[],
): Promise<LastPerformances> {
  const rows = await queryRows(
    em,
    'selectLastPerformanceLegacy',
    `with latest as materialized (
       select w.wanted_id, w.exercise_id, l.session_id
       from ${WANTED_EXERCISES} w
       cross join lateral (
         select s.id as session_id
         from workout_sessions s
         where s.user_id = ? and s.completed_at is not null and ${SESSION_OF_WANTED('w')}
           and exists (select 1 from workout_session_sets st where st.user_id = s.user_id and st.exercise_id = w.exercise_id and st.session_id = s.id ${PROBE_FENCE})
         order by s.started_at desc, s.id desc
         limit 1
       ) l
       where exists (select 1 from workout_session_sets g where g.user_id = ? and g.exercise_id = w.exercise_id ${PROBE_FENCE})
     )
     ${WITH_HISTORY_WATERMARK(`select ${LAST_PERFORMANCE_COLUMNS}
     from latest
     cross join lateral (select s.* from workout_sessions s where s.user_id = ? and s.id = latest.session_id ${PROBE_FENCE}) s
     cross join lateral (select st.* from workout_session_sets st
       where st.user_id = s.user_id and st.session_id = s.id and st.exercise_id = latest.exercise_id ${PROBE_FENCE}) st`)}`,
    [...wantedParams(wanted), userId, userId, userId, userId],
    lastPerformanceOrWatermarkRow,
    { prepare: true },
  );
  return groupPerformances(rows);
}
