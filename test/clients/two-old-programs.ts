import type pg from 'pg';

/**
 * A user with two programs written before Phase 1 whose blobs both number
 * their workouts and exercises "1", "2": ids unique within one program only.
 * Each program has a completed session logged with those ids.
 */
export const TWO_OLD_PROGRAMS_USER = '44444444-4444-4444-8444-444444444444';

const PROGRAM_A = '44444444-0000-4000-8000-00000000000a';
const PROGRAM_B = '44444444-0000-4000-8000-00000000000b';

const compact = (name: string, sets: number, reps: number | string, weight: number, rest: number | string) => ({ name, sets, reps, weight, rest });

const blobA = {
  workouts: [
    { id: 1, name: 'Push', exercises: [{ id: 1, ...compact('Bench Press', 3, '8-10', 60, 90) }, { id: 2, ...compact('Overhead Press', 3, 8, 40, '1:30') }] },
    { id: 2, name: 'Pull', exercises: [{ id: 1, ...compact('Barbell Row', 3, 10, 50, 90) }, { id: 2, ...compact('Curl', 2, '10-12', 15, 60) }] },
  ],
  schedule: { monday: 0, thursday: 1 },
};
const blobB = {
  workouts: [
    { id: 1, name: 'Full Body A', exercises: [{ id: 1, ...compact('Squat', 3, 5, 90, '3:00') }, { id: 2, ...compact('Press', 3, 5, 35, 120) }] },
    { id: 2, name: 'Full Body B', exercises: [{ id: 1, ...compact('Deadlift', 1, 5, 120, 180) }, { id: 2, ...compact('Chin-up', 3, '5-8', 0, 120) }] },
  ],
  schedule: { tuesday: 0, friday: 1 },
};

export async function insertTwoOldPrograms(sql: pg.Pool): Promise<void> {
  await sql.query(
    `/* testInsertTwoOldPrograms */ insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at)
     values ($1, $3, 'Push/Pull', true, $4::jsonb, '2026-09-01T10:00:00Z', '2026-09-01T10:00:00Z'),
            ($2, $3, 'Full Body', false, $5::jsonb, '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z')`,
    [PROGRAM_A, PROGRAM_B, TWO_OLD_PROGRAMS_USER, JSON.stringify(blobA), JSON.stringify(blobB)],
  );
  const sessions = [
    { id: '44444444-1111-4000-8000-00000000000a', program: PROGRAM_A, workout: '1', name: null, at: '2026-11-16T18:00:00Z', exercises: ['Bench Press', 'Overhead Press'] },
    { id: '44444444-1111-4000-8000-00000000000b', program: PROGRAM_B, workout: '1', name: null, at: '2026-08-10T18:00:00Z', exercises: ['Squat', 'Press'] },
  ];
  for (const s of sessions) {
    await sql.query(
      `/* testInsertOldSession */ insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at)
       values ($1, $2, $3, $4, $5, $6, $6::timestamptz + interval '1 hour')`,
      [s.id, TWO_OLD_PROGRAMS_USER, s.program, s.workout, s.name, s.at],
    );
    await sql.query(
      `/* testInsertOldSets */ insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, completed_at)
       select gen_random_uuid(), $1, $2, e.ord::text, e.name, n, 8, 50, $3::timestamptz + interval '10 minutes'
       from unnest($4::text[]) with ordinality as e(name, ord), generate_series(1, 2) as n`,
      [s.id, TWO_OLD_PROGRAMS_USER, s.at, s.exercises],
    );
  }
}
