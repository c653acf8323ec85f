-- The peer's computed column (PostGraphile v4 exposes a function named
-- <table>_<field>(row) as a field of that table's type): the athlete's last
-- performance of an exercise, as JSON { performedAt, sets: [...] }.
-- Same rule as ours and the ceiling: the user's latest completed session (by
-- start) with a set linked to an exercise version of the same stable id (or,
-- not yet linked, logged under that id), with that session's sets of it.
-- Same plan as ours and the ceiling: the exercise's version rows once, then the
-- user's sessions newest first, probed for a set of it; only if ever logged.
create or replace function public.program_version_exercises_last_performance(e public.program_version_exercises)
returns jsonb language sql stable as $$
  select jsonb_build_object(
    'performedAt', to_char(ls.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'sets', (
      select jsonb_agg(jsonb_build_object('setNumber', st.set_number, 'reps', st.reps, 'weightKg', st.weight_kg::float8, 'rpe', st.rpe::float8)
                       order by st.set_number, st.id)
      from public.workout_session_sets st
      where st.session_id = ls.id and coalesce(st.exercise_version_id = any(ev.ids), st.exercise_id = e.exercise_id)))
  from (select coalesce(array_agg(e2.id), '{}') as ids from public.program_version_exercises e2
        where e2.user_id = e.user_id and e2.exercise_id = e.exercise_id) ev
  cross join lateral (
    select s.id, s.started_at
    from public.workout_sessions s
    where s.user_id = e.user_id and s.completed_at is not null
      and exists (select 1 from public.workout_session_sets st
                  where st.session_id = s.id and coalesce(st.exercise_version_id = any(ev.ids), st.exercise_id = e.exercise_id))
    order by s.started_at desc, s.id desc
    limit 1
  ) ls
  where exists (select 1 from public.workout_session_sets g where g.user_id = e.user_id and g.exercise_id = e.exercise_id)
     or exists (select 1 from public.workout_session_sets g where g.exercise_version_id = any(ev.ids))
$$;
