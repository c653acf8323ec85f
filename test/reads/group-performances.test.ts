import { HISTORY_LIMITS } from '../../src/domain/history-limits.js';
import { groupPerformances, lastPerformanceOrWatermarkRow } from '../../src/reads/last-performance-rows.js';
import type { z } from 'zod';

/**
 * Last performances stay in the process's cache between requests, so what
 * their rows repeat is built once: a session holding the last performance of
 * several exercises is one model, and a set's session id and exercise are
 * those of its session and of the set before it. The values are exactly what
 * each row says.
 */
type Row = z.output<typeof lastPerformanceOrWatermarkRow>;
const USER = '0a000000-0000-4000-8000-000000000001';
const PROGRAM = '0b000000-0000-4000-8000-000000000001';
const session = (n: number) => `0d000000-0000-4000-8000-00000000000${n}`;

/** A row as pg hands it over: every string its own copy. */
const copy = (s: string) => (' ' + s).slice(1);
function row(wanted: string, sessionNumber: number, setNumber: number, exercise = wanted, weightKg: number | null = 60): Row {
  const sessionId = session(sessionNumber);
  return {
    history_watermark: '7',
    wanted_id: copy(wanted),
    id: `0e000000-0000-4000-8000-0000000${sessionNumber}${wanted.length}${setNumber}0`,
    session_id: copy(sessionId),
    exercise_id: copy(exercise),
    exercise_name: copy(`Exercise ${exercise}`),
    set_number: setNumber,
    reps: 5,
    weight_kg: weightKg,
    rpe: setNumber === 2 ? 8.5 : null,
    completed_at: new Date(Date.UTC(2026, 10, sessionNumber, 10, setNumber)),
    s_id: copy(sessionId),
    s_user_id: copy(USER),
    s_program_id: copy(PROGRAM),
    s_workout_id: copy('w1'),
    s_workout_name_snapshot: copy('Upper'),
    s_started_at: new Date(Date.UTC(2026, 10, sessionNumber, 10)),
    s_completed_at: null,
    s_program_version_id: null,
    s_workout_version_id: null,
  };
}

it('shares what the rows repeat, and keeps what each row says', () => {
  const squat = '11111111-1111-4111-8111-111111111111';
  const bench = '22222222-2222-4222-8222-222222222222';
  const row3 = '33333333-3333-4333-8333-333333333333';
  const last = row(row3, 2, 1, row3, null);
  const rows = [row(squat, 1, 1), row(squat, 1, 2, squat, 62.5), row(bench, 1, 1), last].sort((a, b) =>
    String(a.wanted_id).localeCompare(String(b.wanted_id)),
  );
  const { historyWatermark, performances } = groupPerformances(rows);
  expect(historyWatermark).toBe('7');
  const [s, b, r] = [squat, bench, row3].map((id) => performances.get(id)!);
  // One session model for the two exercises last done in session 1; another for session 2.
  expect(s!.session).toBe(b!.session);
  expect(r!.session).not.toBe(s!.session);
  expect(s!.session).toStrictEqual({
    id: session(1),
    userId: USER,
    programId: PROGRAM,
    workoutId: 'w1',
    workoutNameSnapshot: 'Upper',
    startedAt: new Date(Date.UTC(2026, 10, 1, 10)),
    completedAt: null,
    programVersionId: null,
    workoutVersionId: null,
  });
  expect(r!.session.userId).toBe(s!.session.userId);
  expect(s!.sets.map((set) => [set.setNumber, set.weightKg, set.rpe, set.exerciseId, set.exerciseName, set.sessionId])).toEqual([
    [1, 60, null, squat, `Exercise ${squat}`, session(1)],
    [2, 62.5, 8.5, squat, `Exercise ${squat}`, session(1)],
  ]);
  expect(s!.sets[0]!.sessionId).toBe(s!.session.id);
  expect(r!.sets[0]).toStrictEqual({
    id: (last as { id: string }).id,
    sessionId: session(2),
    exerciseId: row3,
    exerciseName: `Exercise ${row3}`,
    setNumber: 1,
    reps: 5,
    weightKg: null,
    rpe: null,
    completedAt: new Date(Date.UTC(2026, 10, 2, 10, 1)),
  });
});

it('keeps at most maxSetsPerPerformance sets of a performance', () => {
  const squat = '11111111-1111-4111-8111-111111111111';
  const rows = Array.from({ length: HISTORY_LIMITS.maxSetsPerPerformance + 3 }, (_, i) => row(squat, 1, i + 1));
  expect(groupPerformances(rows).performances.get(squat)!.sets).toHaveLength(HISTORY_LIMITS.maxSetsPerPerformance);
});

it('a legacy exercise id is shown qualified by its program, for every set', () => {
  const rows = [row('legacy-squat', 1, 1), row('legacy-squat', 1, 2)];
  const sets = groupPerformances(rows).performances.get('legacy-squat')!.sets;
  expect(sets.map((set) => set.exerciseId)).toEqual([sets[0]!.exerciseId, sets[0]!.exerciseId]);
  expect(sets[0]!.exerciseId).not.toBe('legacy-squat');
  expect(sets[0]!.exerciseId).toContain('legacy-squat');
});
