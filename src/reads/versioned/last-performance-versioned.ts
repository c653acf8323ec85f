import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows } from '../../db/sql.js';
import type { LastPerformances } from '../last-performance-cache.js';
import type { WantedExercise } from '../compose-read-path.js';
import { groupPerformances, LAST_PERFORMANCE_COLUMNS, lastPerformanceOrWatermarkRow, PROBE_FENCE, SESSION_OF_WANTED, WITH_HISTORY_WATERMARK, WANTED_EXERCISES, wantedParams } from '../last-performance-rows.js';

/**
 * A set `st` counts for the wanted exercise of row `w` when it is linked to one
 * of that exercise's version rows, or, not linked (yet), was logged under its
 * id. Written as one `case` — the link decides when there is one — and not as
 * an OR: an OR lets the planner trade the per-session probe for a bitmap scan
 * over every set ever linked to the exercise. Not as `coalesce(link = any(ids),
 * logged id)` either: over an exercise with no version rows yet (a program the
 * backfill has not reached) `null = any('{}')` is false, not null, and the
 * unlinked set would never count.
 */
const SET_OF_WANTED = (w: string) =>
  `case when st.exercise_version_id is null then st.exercise_id = ${w}.exercise_id else st.exercise_version_id = any(${w}.version_ids) end`;

/**
 * Last performance on the versioned path, in ONE statement. A set counts for
 * an exercise by the STABLE id of the exercise version it is linked to — so an
 * exercise renamed or moved by an edit keeps its history — and, when it is not
 * linked (yet), by the id it was logged with. Same plan as the legacy path:
 * only exercises the caller ever logged (by either id, index-backed), then the
 * caller's sessions newest first, probed for a set of it (the session's sets
 * by index `workout_session_sets_user_session`; `PROBE_FENCE` says how the plan
 * is held to that). The caller's sets
 * are linked to the caller's own version rows (the writers and the backfill
 * link within one user), so the version rows are looked up by (user, stable id).
 * A legacy id ("1") is looked for in its own program's sessions only: other
 * programs reuse it (their version rows are found too, but their sets are in
 * their own programs' sessions).
 */
export async function selectLastPerformanceVersioned(
  em: EntityManager,
  userId: string,
  wanted: readonly WantedExercise[],
): Promise<LastPerformances> {
  const rows = await queryRows(
    em,
    'selectLastPerformanceVersioned',
    `with wanted as materialized (
       -- Each wanted stable id with every exercise-version row of it (index: user, stable id): one lookup per id, not one per set probed.
       select w.wanted_id, w.exercise_id, w.any_program, w.program_id,
              coalesce((select array_agg(e.id) from program_version_exercises e where e.user_id = ? and e.exercise_id = w.exercise_id), '{}') as version_ids
       from ${WANTED_EXERCISES} w
     ), latest as materialized (
       select w.wanted_id, w.exercise_id, w.version_ids, l.session_id
       from wanted w
       cross join lateral (
         select s.id as session_id
         from workout_sessions s
         where s.user_id = ? and s.completed_at is not null and ${SESSION_OF_WANTED('w')}
           and exists (select 1 from workout_session_sets st where st.user_id = s.user_id and st.session_id = s.id and ${SET_OF_WANTED('w')} ${PROBE_FENCE})
         order by s.started_at desc, s.id desc
         limit 1
       ) l
       -- Ever logged: under its id, or linked to one of its version rows (one index lookup per version row).
       where exists (select 1 from workout_session_sets g where g.user_id = ? and g.exercise_id = w.exercise_id ${PROBE_FENCE})
          or exists (select 1 from unnest(w.version_ids) v(id)
                     where exists (select 1 from workout_session_sets g where g.exercise_version_id = v.id and g.user_id = ? ${PROBE_FENCE}))
     )
     ${WITH_HISTORY_WATERMARK(`select ${LAST_PERFORMANCE_COLUMNS}
     from latest
     cross join lateral (select s.* from workout_sessions s where s.user_id = ? and s.id = latest.session_id ${PROBE_FENCE}) s
     cross join lateral (select st.* from workout_session_sets st
       where st.user_id = s.user_id and st.session_id = s.id and ${SET_OF_WANTED('latest')} ${PROBE_FENCE}) st`)}`,
    [userId, ...wantedParams(wanted), userId, userId, userId, userId, userId],
    lastPerformanceOrWatermarkRow,
    { prepare: true },
  );
  return groupPerformances(rows);
}
