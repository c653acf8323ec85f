import type pg from 'pg';

/** The ids of one row in each history and version table, all of one user, from a prefix of 8 hex digits. */
export function historyRowIds(prefix: string) {
  const id = (tail: string) => `${prefix}-0000-4000-8000-0000000000${tail}`;
  return {
    USER: `${prefix}-0000-4000-8000-000000000001`,
    PROGRAM: id('a1'),
    VERSION: id('b1'),
    WORKOUT_VERSION: id('c1'),
    EXERCISE_VERSION: id('d1'),
    SESSION: id('e1'),
    SET: id('f1'),
  } as const;
}

/**
 * Inserts, as the given (privileged) pool, a program with one version (a
 * workout, an exercise, a schedule entry) and one session with one set: the
 * rows the history and version guards are tried on. The session is open with
 * no name snapshot, or completed with one.
 */
export async function insertHistoryRows(sql: pg.Pool, ids: ReturnType<typeof historyRowIds>, session: { completed: boolean }): Promise<void> {
  const { USER, PROGRAM, VERSION, WORKOUT_VERSION, EXERCISE_VERSION, SESSION, SET } = ids;
  const q = (text: string, params: unknown[]) => sql.query(text, params);
  await q(`insert into programs (id, user_id, name, program_json) values ($1, $2, 'P', '{"workouts":[],"schedule":[]}')`, [PROGRAM, USER]);
  await q(`insert into program_versions (id, program_id, user_id, version_number, source, name, content_hash) values ($1, $2, $3, 1, 'USER', 'P', 'h')`, [VERSION, PROGRAM, USER]);
  await q(`insert into program_version_workouts (id, program_version_id, user_id, workout_id, position, name) values ($1, $2, $3, 'w', 0, 'W')`, [WORKOUT_VERSION, VERSION, USER]);
  await q(
    `insert into program_version_exercises (id, program_version_id, program_version_workout_id, user_id, exercise_id, position, name, sets)
     values ($1, $2, $3, $4, 'e', 0, 'E', '[{"reps":5,"repsMax":null,"weightKg":null,"restSeconds":60}]')`,
    [EXERCISE_VERSION, VERSION, WORKOUT_VERSION, USER],
  );
  await q(`insert into program_version_schedule (program_version_id, user_id, position, day_of_week, program_version_workout_id) values ($1, $2, 0, 0, $3)`, [VERSION, USER, WORKOUT_VERSION]);
  await q(
    session.completed
      ? `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at) values ($1, $2, $3, 'w', 'W', now(), now())`
      : `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at) values ($1, $2, $3, 'w', null, now())`,
    [SESSION, USER, PROGRAM],
  );
  await q(`insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps) values ($1, $2, $3, 'e', 'E', 1, 5)`, [SET, SESSION, USER]);
}
