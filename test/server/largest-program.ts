import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PROGRAM_LIMITS } from '../../src/domain/program-limits.js';

/*
 * The largest program the limits allow (30 workouts × 50 exercises × 30 sets,
 * 100 schedule entries), written as a legacy row, with logged history behind
 * it. Plain SQL: its 45,000 prescribed sets are over the request body limit
 * of one createProgram, and the tests are about reading it.
 */

const L = PROGRAM_LIMITS;

export interface LargestProgram {
  readonly id: string;
  readonly workoutIds: string[];
  /** exerciseIds[w][e] */
  readonly exerciseIds: string[][];
}

export function largestProgramBlob(programId: string) {
  const workouts = Array.from({ length: L.maxWorkouts }, (_, w) => ({
    id: `${programId}-w${w}`,
    name: `Workout ${w + 1}`,
    exercises: Array.from({ length: L.maxExercisesPerWorkout }, (_, e) => ({
      id: `${programId}-w${w}-e${e}`,
      name: `Exercise ${w + 1}.${e + 1}`,
      notes: 'Brace, then drive through the whole foot.',
      sets: Array.from({ length: L.maxSetsPerExercise }, (_, s) => ({ reps: 8, repsMax: 12, weightKg: 60 + s * 2.5, restSeconds: 120 })),
    })),
  }));
  // 100 entries, each (day, workout) pair once.
  const schedule = Array.from({ length: L.maxScheduleEntries }, (_, i) => ({ dayOfWeek: i % 7, workoutIndex: Math.floor(i / 7) % L.maxWorkouts }));
  return { workouts, schedule };
}

/** Inserts the largest program as the user's active program. */
export async function insertLargestProgram(sql: pg.Pool, userId: string): Promise<LargestProgram> {
  const id = randomUUID();
  const blob = largestProgramBlob(id);
  await sql.query(
    `/* testInsertLargestProgram */ insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'Largest allowed', true, $3::jsonb)`,
    [id, userId, JSON.stringify(blob)],
  );
  return { id, workoutIds: blob.workouts.map((w) => w.id), exerciseIds: blob.workouts.map((w) => w.exercises.map((e) => e.id)) };
}

/**
 * Logs a completed session of each of the program's workouts from `firstDay`
 * on, one a day, with `setsPerExercise` sets of every exercise: every
 * exercise then has a last performance of that many sets.
 */
export async function insertPerformedHistory(sql: pg.Pool, userId: string, program: LargestProgram, firstDay: string, setsPerExercise: number): Promise<void> {
  const sessions = program.workoutIds.map((workoutId, w) => {
    const start = new Date(Date.parse(`${firstDay}T07:00:00Z`) + w * 86_400_000);
    return { id: randomUUID(), workoutId, w, start, end: new Date(start.getTime() + 3_600_000) };
  });
  await sql.query(
    `/* testInsertSessions */ insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at)
     select r.id, $1, $2, r.workout_id, r.name, r.started_at, r.completed_at
     from jsonb_to_recordset($3::jsonb) as r(id uuid, workout_id text, name text, started_at timestamptz, completed_at timestamptz)`,
    [userId, program.id, JSON.stringify(sessions.map((s) => ({ id: s.id, workout_id: s.workoutId, name: `Workout ${s.w + 1}`, started_at: s.start, completed_at: s.end })))],
  );
  const sets = sessions.flatMap((s) =>
    program.exerciseIds[s.w]!.flatMap((exerciseId, e) =>
      Array.from({ length: setsPerExercise }, (_, n) => ({
        id: randomUUID(),
        session_id: s.id,
        exercise_id: exerciseId,
        exercise_name: `Exercise ${s.w + 1}.${e + 1}`,
        set_number: n + 1,
        completed_at: new Date(s.start.getTime() + 60_000),
      })),
    ),
  );
  await sql.query(
    `/* testInsertSets */ insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at)
     select r.id, r.session_id, $1, r.exercise_id, r.exercise_name, r.set_number, 8, 62.5, 8.5, r.completed_at
     from jsonb_to_recordset($2::jsonb) as r(id uuid, session_id uuid, exercise_id text, exercise_name text, set_number int, completed_at timestamptz)`,
    [userId, JSON.stringify(sets)],
  );
}
