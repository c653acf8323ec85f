-- The peer's computed column (PostGraphile v4 exposes a function named
-- <table>_<field>(row) as a field of that table's type): the athlete's last
-- performance of an exercise, as JSON { performedAt, sets: [...] }.
-- Same rule as ours and the ceiling: the user's latest completed session (by
-- start) with a set linked to an exercise version of the same stable id (or,
-- not yet linked, logged under that id), with that session's sets of it.
create or replace function public.program_version_exercises_last_performance(e public.program_version_exercises)
returns jsonb language sql stable as $$
  select jsonb_build_object(
    'performedAt', to_char(ls.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'sets', (
      select jsonb_agg(jsonb_build_object('setNumber', st.set_number, 'reps', st.reps, 'weightKg', st.weight_kg::float8, 'rpe', st.rpe::float8)
                       order by st.set_number, st.id)
      from public.workout_session_sets st left join public.program_version_exercises se on se.id = st.exercise_version_id
      where st.session_id = ls.id and coalesce(se.exercise_id, st.exercise_id) = e.exercise_id))
  from (
    select s.id, s.started_at
    from (
      select st.session_id from public.workout_session_sets st
      where st.user_id = e.user_id and st.exercise_id = e.exercise_id and st.exercise_version_id is null
      union
      select st.session_id from public.program_version_exercises e2 join public.workout_session_sets st on st.exercise_version_id = e2.id
      where e2.user_id = e.user_id and e2.exercise_id = e.exercise_id
    ) c
    join public.workout_sessions s on s.id = c.session_id
    where s.user_id = e.user_id and s.completed_at is not null
    order by s.started_at desc, s.id desc
    limit 1
  ) ls
$$;
