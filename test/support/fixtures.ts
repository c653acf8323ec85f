/** GraphQL documents and inputs shared by the end-to-end tests. */

export const PROGRAM_FIELDS = `
  id name isActive updatedAt
  workouts { id name position exercises { id name notes sets { reps repsMax weightKg restSeconds } } }
  schedule { dayOfWeek workout { id name } }`;

export const CREATE_PROGRAM = `mutation ($input: ProgramInput!) { createProgram(input: $input) { ${PROGRAM_FIELDS} } }`;
export const MODIFY_PROGRAM = `mutation ($id: ID!, $input: ProgramInput!, $source: ChangeSource, $expectedVersion: Int) {
  modifyProgram(id: $id, input: $input, source: $source, expectedVersion: $expectedVersion) { ${PROGRAM_FIELDS} } }`;
export const DELETE_WORKOUT = `mutation ($programId: ID!, $workoutId: ID!) { deleteWorkout(programId: $programId, workoutId: $workoutId) { ${PROGRAM_FIELDS} } }`;
export const ACTIVATE_PROGRAM = `mutation ($id: ID!) { activateProgram(id: $id) { id isActive } }`;
export const START_SESSION = `mutation ($programId: ID!, $workoutId: ID!, $startedAt: DateTime) {
  startSession(programId: $programId, workoutId: $workoutId, startedAt: $startedAt) { id workoutName startedAt completedAt } }`;
export const LOG_SET = `mutation ($sessionId: ID!, $input: LoggedSetInput!) { logSet(sessionId: $sessionId, input: $input) { id sets { exerciseId exerciseName setNumber reps weightKg rpe } } }`;
export const COMPLETE_SESSION = `mutation ($sessionId: ID!, $completedAt: DateTime) { completeSession(sessionId: $sessionId, completedAt: $completedAt) { id completedAt } }`;

export interface SetInput {
  reps: number;
  repsMax?: number | null;
  weightKg?: number | null;
  restSeconds: number;
}

export const sets = (n: number, reps = 8, weightKg = 60): SetInput[] =>
  Array.from({ length: n }, () => ({ reps, repsMax: reps + 2, weightKg, restSeconds: 120 }));

/** A 2-workout upper/lower program; pass ids to address existing items. */
export function upperLower(name = 'Upper/Lower') {
  return {
    name,
    workouts: [
      {
        name: 'Upper A',
        exercises: [
          { name: 'Bench Press', notes: 'pause on chest', sets: sets(3, 8, 60) },
          { name: 'Barbell Row', sets: sets(3, 10, 50) },
        ],
      },
      {
        name: 'Lower A',
        exercises: [
          { name: 'Back Squat', sets: sets(4, 5, 100) },
          { name: 'Romanian Deadlift', sets: sets(3, 8, 80) },
        ],
      },
    ],
    schedule: [
      { dayOfWeek: 0, workoutIndex: 0 },
      { dayOfWeek: 1, workoutIndex: 1 },
      { dayOfWeek: 3, workoutIndex: 0 },
      { dayOfWeek: 4, workoutIndex: 1 },
    ],
  };
}

/** A program input with `w` workouts of `e` exercises each, for statement-count tests. */
export function sizedProgram(w: number, e: number) {
  return {
    name: `Sized ${w}x${e}`,
    workouts: Array.from({ length: w }, (_, i) => ({
      name: `Workout ${i + 1}`,
      exercises: Array.from({ length: e }, (_, j) => ({ name: `Exercise ${i + 1}.${j + 1}`, sets: sets(3) })),
    })),
    schedule: Array.from({ length: Math.min(w, 7) }, (_, i) => ({ dayOfWeek: i, workoutIndex: i })),
  };
}
