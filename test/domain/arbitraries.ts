import fc from 'fast-check';
import { forbiddenCharacter } from '../../src/domain/forbidden-characters.js';
import { normaliseName } from '../../src/domain/normalise-name.js';
import { PROGRAM_LIMITS } from '../../src/domain/program-limits.js';
import type { Exercise, ProgramContent, ScheduleEntry, SetPrescription, Workout } from '../../src/domain/program.js';

/*
 * Generators of VALID program content: unique workout ids, exercise ids unique
 * across the program, schedule entries in range and not repeated, every value
 * within PROGRAM_LIMITS. Sizes stay small so property runs stay fast.
 */

const L = PROGRAM_LIMITS;

/** Mostly gym-sized rep counts, now and then anything the limits allow. */
const repsArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: L.minReps, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: L.minReps, max: L.maxReps }) });

export const setArb: fc.Arbitrary<SetPrescription> = fc
  .record({
    reps: repsArb,
    span: fc.option(fc.nat({ max: L.maxReps }), { nil: null }),
    // Whole cents, as numeric(6,2) stores them; never -0.
    weightCents: fc.option(fc.integer({ min: 0, max: L.maxWeightKg * 100 }), { nil: null }),
    restSeconds: fc.integer({ min: 0, max: L.maxRestSeconds }),
  })
  .map(({ reps, span, weightCents, restSeconds }) => ({
    reps,
    repsMax: span === null ? null : Math.min(L.maxReps, reps + span),
    weightKg: weightCents === null ? null : weightCents / 100,
    restSeconds,
  }));

/** Non-blank names, ASCII or any Unicode grapheme but the characters names refuse, leaving room for a suffix under the limit. */
export const nameArb: fc.Arbitrary<string> = fc
  .oneof(fc.string({ minLength: 1, maxLength: 16 }), fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }))
  .filter((s) => s.trim() !== '' && [...s].length <= L.maxNameLength - 10 && forbiddenCharacter(s, 'name') === null);

/** Ids as they occur: UUIDs, short strings, legacy numbers-as-strings. */
export const idArb: fc.Arbitrary<string> = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 8 }), fc.nat({ max: 99 }).map(String));

const notesArb = fc.option(fc.string({ maxLength: 30 }).filter((s) => forbiddenCharacter(s, 'notes') === null), { nil: null });

interface ExerciseShape {
  readonly name: string;
  readonly notes: string | null;
  readonly sets: readonly SetPrescription[];
}
interface WorkoutShape {
  readonly name: string;
  readonly exercises: readonly ExerciseShape[];
}

export interface ContentOptions {
  readonly maxWorkouts?: number;
  readonly minWorkouts?: number;
  /** Workout names, and exercise names program-wide, distinct after normalisation. */
  readonly distinctNames?: boolean;
}

export function programContentArb(options: ContentOptions = {}): fc.Arbitrary<ProgramContent> {
  // size 'max': lengths spread over the whole (small) range instead of piling up at 0.
  const exerciseArb = fc.record({ name: nameArb, notes: notesArb, sets: fc.array(setArb, { minLength: 1, maxLength: 4 }) });
  const workoutArb = fc.record({ name: nameArb, exercises: fc.array(exerciseArb, { maxLength: 4, size: 'max' }) });
  const shapes = fc.array(workoutArb, { minLength: options.minWorkouts ?? 0, maxLength: options.maxWorkouts ?? 4, size: 'max' });
  return shapes.chain((workouts) => {
    const exerciseCount = workouts.reduce((n, w) => n + w.exercises.length, 0);
    return fc.record({
      workouts: fc.constant(options.distinctNames === true ? withDistinctNames(workouts) : workouts),
      workoutIds: fc.uniqueArray(idArb, { minLength: workouts.length, maxLength: workouts.length }),
      exerciseIds: fc.uniqueArray(idArb, { minLength: exerciseCount, maxLength: exerciseCount }),
      schedule: scheduleArb(workouts.length),
    });
  }).map(assemble);
}

/** Distinct (day, workout) pairs pointing at `workoutCount` workouts. */
export function scheduleArb(workoutCount: number): fc.Arbitrary<ScheduleEntry[]> {
  if (workoutCount === 0) return fc.constant([]);
  const entry = fc.record({ dayOfWeek: fc.integer({ min: 0, max: 6 }), workoutIndex: fc.integer({ min: 0, max: workoutCount - 1 }) });
  return fc.uniqueArray(entry, { maxLength: 8, selector: (e) => `${e.dayOfWeek}:${e.workoutIndex}` });
}

function withDistinctNames(workouts: readonly WorkoutShape[]): WorkoutShape[] {
  let exerciseNumber = 0;
  return workouts.map((workout, w) => ({
    name: `${workout.name} w${w}`,
    exercises: workout.exercises.map((exercise) => ({ ...exercise, name: `${exercise.name} e${exerciseNumber++}` })),
  }));
}

function assemble(parts: {
  workouts: readonly WorkoutShape[];
  workoutIds: readonly string[];
  exerciseIds: readonly string[];
  schedule: readonly ScheduleEntry[];
}): ProgramContent {
  const exerciseIds = parts.exerciseIds.values();
  const workouts: Workout[] = parts.workouts.map((shape, w) => ({
    id: parts.workoutIds[w] ?? fail('too few workout ids'),
    name: shape.name,
    exercises: shape.exercises.map((e): Exercise => ({ id: exerciseIds.next().value ?? fail('too few exercise ids'), ...e })),
  }));
  return { workouts, schedule: parts.schedule };
}

function fail(message: string): never {
  throw new Error(message);
}

/** Every workout id, and every exercise id program-wide, occurs once. */
export function idsAreUnique(content: ProgramContent): boolean {
  const workoutIds = content.workouts.map((w) => w.id);
  const exerciseIds = content.workouts.flatMap((w) => w.exercises.map((e) => e.id));
  return new Set(workoutIds).size === workoutIds.length && new Set(exerciseIds).size === exerciseIds.length;
}

/** True when names are distinct after normalisation (workouts; exercises program-wide). */
export function namesAreDistinct(content: ProgramContent): boolean {
  const workoutNames = content.workouts.map((w) => normaliseName(w.name));
  const exerciseNames = content.workouts.flatMap((w) => w.exercises.map((e) => normaliseName(e.name)));
  return new Set(workoutNames).size === workoutNames.length && new Set(exerciseNames).size === exerciseNames.length;
}

/** A permutation of 0 … n-1. */
export function permutationArb(n: number): fc.Arbitrary<number[]> {
  const indexes = Array.from({ length: n }, (_, i) => i);
  return fc.shuffledSubarray(indexes, { minLength: n, maxLength: n });
}

/** Every entry has an integer day 0–6, points at an existing workout, and no entry repeats. */
export function scheduleIsSound(content: ProgramContent): boolean {
  const keys = content.schedule.map((e) => `${e.dayOfWeek}:${e.workoutIndex}`);
  return (
    new Set(keys).size === keys.length &&
    content.schedule.every(
      (e) => Number.isInteger(e.dayOfWeek) && e.dayOfWeek >= 0 && e.dayOfWeek <= 6 && Number.isInteger(e.workoutIndex) && e.workoutIndex >= 0 && e.workoutIndex < content.workouts.length,
    )
  );
}
