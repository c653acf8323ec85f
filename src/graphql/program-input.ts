import type { LoggedSet } from '../domain/logged-set-rules.js';
import type { ProgramEdit } from '../domain/program.js';
import type { LoggedSetInput, ProgramInput } from './generated/resolvers-types.js';

/** The GraphQL input as a domain edit: absent optional fields become null, ids stay hints. */
export function programEditOf(input: ProgramInput): ProgramEdit {
  return {
    name: input.name,
    draft: {
      workouts: input.workouts.map((w) => ({
        id: w.id ?? null,
        name: w.name,
        exercises: w.exercises.map((e) => ({
          id: e.id ?? null,
          name: e.name,
          notes: e.notes ?? null,
          sets: e.sets.map((s) => ({
            reps: s.reps,
            repsMax: s.repsMax ?? null,
            weightKg: s.weightKg ?? null,
            restSeconds: s.restSeconds,
          })),
        })),
      })),
      schedule: input.schedule.map((s) => ({ dayOfWeek: s.dayOfWeek, workoutIndex: s.workoutIndex })),
    },
  };
}

/** The GraphQL input as a logged set: absent values become null. */
export function loggedSetOf(input: LoggedSetInput): LoggedSet {
  return { exerciseId: input.exerciseId, setNumber: input.setNumber, reps: input.reps ?? null, weightKg: input.weightKg ?? null, rpe: input.rpe ?? null };
}
