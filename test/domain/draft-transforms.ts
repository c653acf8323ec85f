import fc from 'fast-check';
import type { Exercise, ExerciseDraft, ProgramContent, ProgramDraft, ScheduleEntry, Workout, WorkoutDraft } from '../../src/domain/program.js';
import { idArb, permutationArb } from './arbitraries.js';

/*
 * What clients do to a program before sending it back: reorder workouts and
 * exercises, drop ids, replace them with new random ones or with ids of other
 * items. Each transform also returns the content reconciliation should give
 * back: the reordered program with every item's original id.
 */

export interface Reshuffled {
  readonly draft: ProgramDraft;
  readonly expected: ProgramContent;
}

export type IdTreatment = 'keep' | 'strip' | 'regenerate' | 'misleading';

/** A counter-based id generator whose ids cannot be mistaken for generated content ids. */
export function freshIds(): () => string {
  let n = 0;
  return () => `generated-id-${n++}`;
}

export function reshuffle(content: ProgramContent, g: fc.GeneratorValue, treatments: readonly IdTreatment[] = ['keep', 'strip', 'regenerate', 'misleading']): Reshuffled {
  const order = g(() => permutationArb(content.workouts.length));
  const allWorkoutIds = content.workouts.map((w) => w.id);
  const allExerciseIds = content.workouts.flatMap((w) => w.exercises.map((e) => e.id));
  const hint = (id: string, others: readonly string[]): string | null | undefined => {
    switch (g(() => fc.constantFrom(...treatments))) {
      case 'keep':
        return id;
      case 'strip':
        return g(() => fc.constantFrom(null, undefined, ''));
      case 'regenerate':
        return g(() => idArb);
      case 'misleading':
        return others.length === 0 ? id : g(() => fc.constantFrom(...others));
    }
  };
  const expected = order.map((from) => {
    const workout = content.workouts[from] ?? fail();
    const exerciseOrder = g(() => permutationArb(workout.exercises.length));
    return { ...workout, exercises: exerciseOrder.map((e) => workout.exercises[e] ?? fail()) };
  });
  const draft: ProgramDraft = {
    workouts: expected.map((w) => ({
      id: hint(w.id, allWorkoutIds),
      name: w.name,
      exercises: w.exercises.map((e) => ({ id: hint(e.id, allExerciseIds), name: e.name, notes: e.notes, sets: e.sets })),
    })),
    schedule: remap(content.schedule, order),
  };
  return { draft, expected: { workouts: expected, schedule: draft.schedule } };
}

/** Schedule entries following their workouts to the positions `order` gives them (order[new] = old). */
export function remap(schedule: readonly ScheduleEntry[], order: readonly number[]): ScheduleEntry[] {
  return schedule.map((e) => ({ dayOfWeek: e.dayOfWeek, workoutIndex: order.indexOf(e.workoutIndex) }));
}

/** Ids removed everywhere: what an AI edit that drops ids sends. */
export function stripIds(content: ProgramContent): ProgramDraft {
  return { workouts: content.workouts.map(stripWorkout), schedule: content.schedule };
}

export function stripWorkout(workout: Workout): WorkoutDraft {
  return { name: workout.name, exercises: workout.exercises.map(stripExercise) };
}

export function stripExercise(exercise: Exercise): ExerciseDraft {
  return { name: exercise.name, notes: exercise.notes, sets: exercise.sets };
}

/** The content of a workout or exercise, ids aside, for comparisons. */
export function withoutIds(item: Workout | Exercise): unknown {
  return 'exercises' in item ? { name: item.name, exercises: item.exercises.map(withoutIds) } : { name: item.name, notes: item.notes, sets: item.sets };
}

function fail(): never {
  throw new Error('index out of range');
}
