import type { ProgramContent } from './program.js';

/**
 * The one string form of program content that version hashes are computed
 * from: keys in a fixed order whatever order the objects were built in, and
 * every optional value written out (`null`), so equal content always hashes
 * alike and a changed field never does. Changing this format changes every
 * hash: treat it as a stored format.
 *
 * Expects content that passed the invariants: JSON cannot tell NaN from null.
 */
export function canonicalContent(content: ProgramContent): string {
  return JSON.stringify({
    workouts: content.workouts.map((workout) => ({
      id: workout.id,
      name: workout.name,
      exercises: workout.exercises.map((exercise) => ({
        id: exercise.id,
        name: exercise.name,
        notes: exercise.notes ?? null,
        sets: exercise.sets.map((set) => ({
          reps: set.reps,
          repsMax: set.repsMax ?? null,
          weightKg: set.weightKg ?? null,
          restSeconds: set.restSeconds,
        })),
      })),
    })),
    schedule: content.schedule.map((entry) => ({ dayOfWeek: entry.dayOfWeek, workoutIndex: entry.workoutIndex })),
  });
}
