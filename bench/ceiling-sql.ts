/**
 * The ceiling's ONE statement: the caller's active program as the complete
 * GraphQL response text of the full-tree operation — program → workouts →
 * exercises → prescribed sets + last performance, and the schedule — built by
 * PostgreSQL (`json_build_object`/`json_agg`) and sent on by the server as is.
 *
 * Same answer as ours on the versioned path: content from the program's
 * current version, workout and exercise ids as our server exposes them, and
 * last performance = the user's latest completed session (by start) with a
 * set linked to an exercise version of the same stable id (or, not yet
 * linked, logged under that id) — in the program's own sessions unless the id
 * is a UUID — with that session's first sets of the exercise.
 */
import { HISTORY_LIMITS } from '../src/domain/history-limits.js';

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const UUID_PATTERN = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * The id a client sees for stored id `stored` of program `programId` (the rule
 * of src/domain/exposed-ids.ts): a UUID, or an id derived from its own program
 * (`<programId>/…`), as stored; any other id as `<programId>:<stored>`.
 */
export const exposedIdSql = (programId: string, stored: string): string =>
  `case when ${stored} ~* ${UUID_PATTERN} or starts_with(${stored}, ${programId}::text || '/') then ${stored} else ${programId}::text || ':' || ${stored} end`;

// The same plan as ours: the exercise's version rows once, then the user's
// sessions newest first, probed for a set of it; only if it was ever logged.
// A set counts by its link when it has one, else by the id it was logged
// under (a `case`, as ours: `coalesce(link = any('{}'), …)` is false, not null).
// A session's sets are probed by session only (index (session_id, set_number)):
// adding `st.user_id = …` lets PostgreSQL 17 pick the (user_id, exercise_id,
// session_id) index with no exercise bound, which reads all of the user's
// index entries per probe (EXPLAIN on the quick corpus: ~4× the buffers).
// Every probe is fenced (`offset 0`), as ours are: PostgreSQL then cannot turn
// it into a join or a hashed subplan over the user's whole history, so each
// stays an index lookup per row whatever the statistics say.
const SET_OF_E = `case when st.exercise_version_id is null then st.exercise_id = e.exercise_id else st.exercise_version_id = any(ev.ids) end`;
const LAST_PERFORMANCE = `(
  select json_build_object(
    'performedAt', to_char(ls.started_at at time zone 'UTC', ${ISO_UTC}),
    'sets', (
      select json_agg(json_build_object('setNumber', st.set_number, 'reps', st.reps, 'weightKg', st.weight_kg::float8, 'rpe', st.rpe::float8)
                      order by st.set_number, st.id)
      from (
        select st.set_number, st.id, st.reps, st.weight_kg, st.rpe
        from workout_session_sets st
        where st.session_id = ls.id and ${SET_OF_E}
        order by st.set_number, st.id
        limit ${HISTORY_LIMITS.maxSetsPerPerformance}) st))
  from (
    -- A legacy id ("1") is reused by the user's other programs: it counts in this program's sessions only.
    select coalesce(array_agg(e2.id), '{}') as ids, e.exercise_id ~* ${UUID_PATTERN} as any_program
    from program_version_exercises e2 where e2.user_id = p.user_id and e2.exercise_id = e.exercise_id) ev
  cross join lateral (
    select s.id, s.started_at
    from workout_sessions s
    where s.user_id = p.user_id and s.completed_at is not null and (ev.any_program or s.program_id = p.id)
      and exists (select 1 from workout_session_sets st where st.session_id = s.id and ${SET_OF_E} offset 0)
    order by s.started_at desc, s.id desc
    limit 1
  ) ls
  where exists (select 1 from workout_session_sets g where g.user_id = p.user_id and g.exercise_id = e.exercise_id offset 0)
     or exists (select 1 from unnest(ev.ids) v(id) where exists (select 1 from workout_session_sets g where g.exercise_version_id = v.id offset 0)))`;

export const CEILING_FULL_TREE_SQL = `/* ceilingFullTree */
select json_build_object('data', json_build_object('activeProgram', (
  select json_build_object(
    'id', p.id,
    'name', p.name,
    'workouts', coalesce((
      select json_agg(json_build_object(
        'id', ${exposedIdSql('p.id', 'w.workout_id')}, 'name', w.name, 'position', w.position,
        'exercises', coalesce((
          select json_agg(json_build_object(
            'id', ${exposedIdSql('p.id', 'e.exercise_id')}, 'name', e.name, 'notes', e.notes, 'sets', e.sets,
            'lastPerformance', ${LAST_PERFORMANCE}) order by e.position)
          from program_version_exercises e where e.program_version_workout_id = w.id), '[]'::json)) order by w.position)
      from program_version_workouts w where w.program_version_id = p.current_version_id), '[]'::json),
    'schedule', coalesce((
      select json_agg(json_build_object('dayOfWeek', sc.day_of_week, 'workout', json_build_object('id', ${exposedIdSql('p.id', 'sw.workout_id')})) order by sc.position)
      from program_version_schedule sc join program_version_workouts sw on sw.id = sc.program_version_workout_id
      where sc.program_version_id = p.current_version_id), '[]'::json))
  from programs p where p.user_id = $1 and p.is_active and p.deleted_at is null)))::text as body`;
