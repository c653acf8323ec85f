import type { ProgramDraft } from '../domain/program.js';
import type { ProgramInput } from '../graphql/generated/resolvers-types.js';

/** The GraphQL input as a domain draft: absent optional fields become null, ids stay hints. */
export function draftOfInput(input: ProgramInput): { name: string; draft: ProgramDraft } {
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
