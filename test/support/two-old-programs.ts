import type pg from 'pg';

/**
 * A user with two programs from before Phase 1 whose blobs use the same ids
 * ("1", "2", "3" for workouts and exercises alike), and history logged against
 * both as the old app logged it: raw ids, no snapshots, no version links.
 * Program B was trained more recently, so a lookup by raw id alone finds B's
 * sets for A's exercise.
 */
export function twoOldProgramsIds(prefix: string) {
  const id = (tail: string) => `${prefix}-0000-4000-8000-0000000000${tail}`;
  return {
    USER: `${prefix}-0000-4000-8000-000000000001`,
    A: id('a1'),
    B: id('b1'),
    SESSION_A: id('c1'),
    SESSION_B: id('c2'),
  } as const;
}

export type TwoOldPrograms = ReturnType<typeof twoOldProgramsIds>;

const blob = (names: [string, string, string]) => ({
  workouts: [
    { id: '1', name: 'Day 1', exercises: [{ id: '1', name: names[0], sets: 3, reps: 5, weight: 100 }, { id: '2', name: names[1], sets: 3, reps: 8 }] },
    { id: '2', name: 'Day 2', exercises: [{ id: '3', name: names[2], sets: 2, reps: 10 }] },
  ],
  schedule: [{ dayOfWeek: 0, workoutIndex: 0 }, { dayOfWeek: 3, workoutIndex: 1 }],
});

/** What history holds: program A's exercise "1" last done at 100 kg on 1 Nov, program B's at 40 kg on 3 Nov. */
export const TWO_OLD_PROGRAMS_HISTORY = {
  a: { startedAt: '2026-11-01T07:00:00.000Z', weightKg: 100 },
  b: { startedAt: '2026-11-03T07:00:00.000Z', weightKg: 40 },
} as const;

/** Inserts the two programs (A active) and one completed session on each program's workout "1" with a set of exercise "1", as a privileged pool. */
export async function insertTwoOldPrograms(sql: pg.Pool, ids: TwoOldPrograms): Promise<void> {
  const { USER, A, B, SESSION_A, SESSION_B } = ids;
  await sql.query(
    `insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at) values
       ($1, $3, 'Old strength', true, $4::jsonb, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
       ($2, $3, 'Old hypertrophy', false, $5::jsonb, '2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z')`,
    [A, B, USER, JSON.stringify(blob(['Squat', 'Bench', 'Deadlift'])), JSON.stringify(blob(['Leg press', 'Row', 'Curl']))],
  );
  const { a, b } = TWO_OLD_PROGRAMS_HISTORY;
  await sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, started_at, completed_at) values
       ($1, $3, $4, '1', $6, $6::timestamptz + interval '1 hour'),
       ($2, $3, $5, '1', $7, $7::timestamptz + interval '1 hour')`,
    [SESSION_A, SESSION_B, USER, A, B, a.startedAt, b.startedAt],
  );
  await sql.query(
    `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, completed_at) values
       (gen_random_uuid(), $1, $3, '1', 'Squat', 1, 5, $4, $6::timestamptz + interval '10 minutes'),
       (gen_random_uuid(), $2, $3, '1', 'Leg press', 1, 5, $5, $7::timestamptz + interval '10 minutes')`,
    [SESSION_A, SESSION_B, USER, a.weightKg, b.weightKg, a.startedAt, b.startedAt],
  );
}
