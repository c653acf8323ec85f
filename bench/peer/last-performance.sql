-- The peer's computed column (PostGraphile v4 exposes a function named
-- <table>_<field>(row) as a field of that table's type): the athlete's last
-- performance of an exercise, as JSON { performedAt, sets: [...] }.
-- Same rule as ours and the ceiling: the user's latest completed session (by
-- start) with a set linked to an exercise version of the same stable id (or,
-- not yet linked, logged under that id), with that session's first 30 sets of
-- it (as many as one exercise may prescribe). A legacy id ("1") is reused by
-- the user's other programs, so unless the id is a UUID only the sessions of
-- the exercise's own program count (looked up from its version row).
-- Same plan as ours and the ceiling: the exercise's version rows once, then the
-- user's sessions newest first, probed for a set of it; only if ever logged.
-- A set counts by its link when it has one, else by the id it was logged under.
-- Every probe is fenced (offset 0), as ours are, so it stays an index lookup per row.
create or replace function public.program_version_exercises_last_performance(e public.program_version_exercises)
returns jsonb language sql stable as $$
  select jsonb_build_object(
    'performedAt', to_char(ls.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'sets', (
      select jsonb_agg(jsonb_build_object('setNumber', st.set_number, 'reps', st.reps, 'weightKg', st.weight_kg::float8, 'rpe', st.rpe::float8)
                       order by st.set_number, st.id)
      from (
        select st.set_number, st.id, st.reps, st.weight_kg, st.rpe
        from public.workout_session_sets st
        where st.session_id = ls.id
          and case when st.exercise_version_id is null then st.exercise_id = e.exercise_id else st.exercise_version_id = any(ev.ids) end
        order by st.set_number, st.id
        limit 30) st))
  from (select coalesce(array_agg(e2.id), '{}') as ids,
               case when e.exercise_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then null
                    else (select v.program_id from public.program_versions v where v.id = e.program_version_id) end as program_id
        from public.program_version_exercises e2
        where e2.user_id = e.user_id and e2.exercise_id = e.exercise_id) ev
  cross join lateral (
    select s.id, s.started_at
    from public.workout_sessions s
    where s.user_id = e.user_id and s.completed_at is not null and (ev.program_id is null or s.program_id = ev.program_id)
      and exists (select 1 from public.workout_session_sets st
                  where st.session_id = s.id
                    and case when st.exercise_version_id is null then st.exercise_id = e.exercise_id else st.exercise_version_id = any(ev.ids) end
                  offset 0)
    order by s.started_at desc, s.id desc
    limit 1
  ) ls
  where exists (select 1 from public.workout_session_sets g where g.user_id = e.user_id and g.exercise_id = e.exercise_id offset 0)
     or exists (select 1 from unnest(ev.ids) v(id) where exists (select 1 from public.workout_session_sets g where g.exercise_version_id = v.id offset 0))
$$;
