import fc from 'fast-check';
import { PROGRAM_LIMITS as L } from '../../src/domain/program-limits.js';
import type { ProgramContent } from '../../src/domain/program.js';
import type { ViolationCode } from '../../src/domain/violation-code.js';

/*
 * Single faults injected into valid content, each with the one violation
 * checkProgram must report for it. A fault returns null when the content has
 * nothing to inject it into (no sets, no schedule, …).
 */

type DeepMutable<T> = T extends readonly (infer U)[] ? DeepMutable<U>[] : T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;
export type MutableContent = DeepMutable<ProgramContent>;

export interface Injected {
  readonly name: string;
  readonly content: MutableContent;
  readonly path: string;
  readonly code: ViolationCode;
}

export type Fault = (content: MutableContent, g: fc.GeneratorValue) => Injected | null;

const VALID_NAME = 'Program';
const pick = <T>(g: fc.GeneratorValue, options: readonly T[]): T => g(() => fc.constantFrom(...options));
const at = <T>(g: fc.GeneratorValue, items: readonly T[]): T | null => (items.length === 0 ? null : (items[g(fc.nat, { max: items.length - 1 })] ?? null));
const injected = (content: MutableContent, path: string, code: ViolationCode, name = VALID_NAME): Injected => ({ name, content, path, code });

const setsOf = (c: MutableContent) =>
  c.workouts.flatMap((w, wi) => w.exercises.flatMap((e, ei) => e.sets.map((set, si) => ({ set, path: `workouts.${wi}.exercises.${ei}.sets.${si}` }))));
const exercisesOf = (c: MutableContent) => c.workouts.flatMap((w, wi) => w.exercises.map((exercise, ei) => ({ exercise, path: `workouts.${wi}.exercises.${ei}` })));
const entriesOf = (c: MutableContent) => c.schedule.map((entry, i) => ({ entry, path: `schedule.${i}` }));

/** A number fault: the bad value and the code it must produce. */
const numberFault = (g: fc.GeneratorValue, options: readonly (readonly [number, ViolationCode])[]) => pick(g, options);
const NOT_INTEGER = [[1.5, 'NOT_AN_INTEGER'], [Number.NaN, 'NOT_AN_INTEGER'], [Infinity, 'NOT_AN_INTEGER'], [-Infinity, 'NOT_AN_INTEGER']] as const;

/** A sample of what names refuse: C0 and C1 controls, DEL, bidirectional marks, embeddings, overrides and isolates, separators, a lone surrogate. */
export const FORBIDDEN_IN_NAMES = [0x01, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x85, 0x9f, 0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069, 0xd800, 0xdfff];
/** Notes allow line breaks and bidirectional marks, not the rest. */
export const FORBIDDEN_IN_NOTES = [0x01, 0x07, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x85, 0x9f, 0x202a, 0x202e, 0x2066, 0x2069, 0xd800, 0xdfff];

export const FAULTS: Record<string, Fault> = {
  programName: (c, g) => {
    const [name, code] = pick(g, [['', 'NAME_EMPTY'], [' \t', 'NAME_EMPTY'], ['x'.repeat(L.maxNameLength + 1), 'NAME_TOO_LONG']] as const);
    return injected(c, 'name', code, name);
  },
  workoutName: (c, g) => {
    const i = at(g, c.workouts.map((_, index) => index));
    if (i === null) return null;
    const [name, code] = pick(g, [['', 'NAME_EMPTY'], ['\n', 'NAME_EMPTY'], ['w'.repeat(L.maxNameLength + 1), 'NAME_TOO_LONG']] as const);
    c.workouts[i]!.name = name;
    return injected(c, `workouts.${i}.name`, code);
  },
  exerciseText: (c, g) => {
    const target = at(g, exercisesOf(c));
    if (target === null) return null;
    if (pick(g, [true, false])) {
      target.exercise.notes = 'n'.repeat(L.maxNotesLength + 1);
      return injected(c, `${target.path}.notes`, 'NOTES_TOO_LONG');
    }
    target.exercise.name = pick(g, ['', '  ']);
    return injected(c, `${target.path}.name`, 'NAME_EMPTY');
  },
  setCount: (c, g) => {
    const target = at(g, exercisesOf(c));
    if (target === null) return null;
    const tooMany = pick(g, [true, false]);
    const first = target.exercise.sets[0]!;
    target.exercise.sets = tooMany ? Array.from({ length: L.maxSetsPerExercise + 1 }, () => ({ ...first })) : [];
    return injected(c, `${target.path}.sets`, tooMany ? 'TOO_MANY_SETS' : 'NO_SETS');
  },
  reps: (c, g) => {
    const target = at(g, setsOf(c));
    if (target === null) return null;
    const [reps, code] = numberFault(g, [...NOT_INTEGER, [0, 'REPS_TOO_LOW'], [-3, 'REPS_TOO_LOW'], [L.maxReps + 1, 'REPS_TOO_HIGH']]);
    target.set.reps = reps;
    return injected(c, `${target.path}.reps`, code);
  },
  repsMax: (c, g) => {
    const target = at(g, setsOf(c));
    if (target === null) return null;
    if (pick(g, [true, false])) {
      target.set.reps = Math.max(2, target.set.reps);
      target.set.repsMax = target.set.reps - g(fc.integer, { min: 1, max: target.set.reps - 1 });
      return injected(c, `${target.path}.repsMax`, 'REPS_MAX_BELOW_REPS');
    }
    const [repsMax, code] = numberFault(g, [...NOT_INTEGER, [L.maxReps + 1, 'REPS_TOO_HIGH']]);
    target.set.repsMax = repsMax;
    return injected(c, `${target.path}.repsMax`, code);
  },
  weight: (c, g) => {
    const target = at(g, setsOf(c));
    if (target === null) return null;
    const [weightKg, code] = numberFault(g, [
      [Number.NaN, 'NOT_A_FINITE_NUMBER'],
      [Infinity, 'NOT_A_FINITE_NUMBER'],
      [-0.01, 'WEIGHT_NEGATIVE'],
      [-100, 'WEIGHT_NEGATIVE'],
      [L.maxWeightKg + 0.01, 'WEIGHT_TOO_HIGH'],
    ]);
    target.set.weightKg = weightKg;
    return injected(c, `${target.path}.weightKg`, code);
  },
  weightDecimals: (c, g) => {
    const target = at(g, setsOf(c));
    if (target === null) return null;
    // Whole cents plus a fraction of a cent: never on the two-decimal grid, never out of range.
    const cents = g(fc.integer, { min: 0, max: L.maxWeightKg * 100 - 1 });
    target.set.weightKg = (cents + pick(g, [0.1, 0.5, 0.001, 0.999])) / 100;
    return injected(c, `${target.path}.weightKg`, 'TOO_MANY_DECIMALS');
  },
  forbiddenCharacter: (c, g) => {
    const names = [
      { path: 'name', get: () => VALID_NAME, set: (_: string) => {} },
      ...c.workouts.map((w, i) => ({ path: `workouts.${i}.name`, get: () => w.name, set: (v: string) => (w.name = v) })),
      ...exercisesOf(c).flatMap(({ exercise, path }) => [
        { path: `${path}.name`, get: () => exercise.name, set: (v: string) => (exercise.name = v) },
        { path: `${path}.notes`, get: () => exercise.notes ?? '', set: (v: string) => (exercise.notes = v) },
      ]),
    ];
    const target = at(g, names)!;
    const notes = target.path.endsWith('.notes');
    const text = target.get();
    const cut = g(fc.nat, { max: text.length });
    const codePoint = pick(g, notes ? FORBIDDEN_IN_NOTES : FORBIDDEN_IN_NAMES);
    // Cut between code points, never inside a surrogate pair.
    const head = [...text].slice(0, cut).join('');
    const value = `${head}${String.fromCharCode(codePoint)}${text.slice(head.length)}`;
    if (target.path === 'name') return injected(c, 'name', 'FORBIDDEN_CHARACTER', value);
    target.set(value);
    return injected(c, target.path, 'FORBIDDEN_CHARACTER');
  },
  rest: (c, g) => {
    const target = at(g, setsOf(c));
    if (target === null) return null;
    const [rest, code] = numberFault(g, [...NOT_INTEGER, [-1, 'REST_OUT_OF_RANGE'], [L.maxRestSeconds + 1, 'REST_OUT_OF_RANGE']]);
    target.set.restSeconds = rest;
    return injected(c, `${target.path}.restSeconds`, code);
  },
  scheduleDay: (c, g) => {
    const target = at(g, entriesOf(c));
    if (target === null) return null;
    const [day, code] = numberFault(g, [...NOT_INTEGER, [-1, 'DAY_OUT_OF_RANGE'], [7, 'DAY_OUT_OF_RANGE']]);
    target.entry.dayOfWeek = day;
    return injected(c, `${target.path}.dayOfWeek`, code);
  },
  scheduleIndex: (c, g) => {
    const target = at(g, entriesOf(c));
    if (target === null) return null;
    const [index, code] = numberFault(g, [...NOT_INTEGER, [-1, 'WORKOUT_INDEX_OUT_OF_RANGE'], [c.workouts.length, 'WORKOUT_INDEX_OUT_OF_RANGE']]);
    target.entry.workoutIndex = index;
    return injected(c, `${target.path}.workoutIndex`, code);
  },
  scheduleDuplicate: (c, g) => {
    const target = at(g, c.schedule);
    if (target === null) return null;
    c.schedule.push({ ...target });
    return injected(c, `schedule.${c.schedule.length - 1}`, 'DUPLICATE_SCHEDULE_ENTRY');
  },
  workoutIdDuplicate: (c, g) => {
    if (c.workouts.length < 2) return null;
    const j = g(fc.integer, { min: 1, max: c.workouts.length - 1 });
    const i = g(fc.integer, { min: 0, max: j - 1 });
    c.workouts[j]!.id = c.workouts[i]!.id;
    return injected(c, `workouts.${j}.id`, 'DUPLICATE_WORKOUT_ID');
  },
  exerciseIdDuplicate: (c, g) => {
    const all = exercisesOf(c);
    if (all.length < 2) return null;
    const j = g(fc.integer, { min: 1, max: all.length - 1 });
    const i = g(fc.integer, { min: 0, max: j - 1 });
    all[j]!.exercise.id = all[i]!.exercise.id;
    return injected(c, `${all[j]!.path}.id`, 'DUPLICATE_EXERCISE_ID');
  },
  tooManyWorkouts: (c) => {
    while (c.workouts.length <= L.maxWorkouts) c.workouts.push({ id: `injected-workout-${c.workouts.length}`, name: 'Extra', exercises: [] });
    return injected(c, 'workouts', 'TOO_MANY_WORKOUTS');
  },
  tooManyExercises: (c, g) => {
    const i = at(g, c.workouts.map((_, index) => index));
    if (i === null) return null;
    const exercises = c.workouts[i]!.exercises;
    while (exercises.length <= L.maxExercisesPerWorkout) {
      exercises.push({ id: `injected-exercise-${exercises.length}`, name: 'Extra', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: null, restSeconds: 60 }] });
    }
    return injected(c, `workouts.${i}.exercises`, 'TOO_MANY_EXERCISES');
  },
  tooManyScheduleEntries: (c) => {
    // 101 distinct (day, workout) pairs need 15 workouts.
    while (c.workouts.length < 15) c.workouts.push({ id: `injected-workout-${c.workouts.length}`, name: 'Extra', exercises: [] });
    c.schedule = Array.from({ length: L.maxScheduleEntries + 1 }, (_, n) => ({ dayOfWeek: n % 7, workoutIndex: Math.floor(n / 7) }));
    return injected(c, 'schedule', 'TOO_MANY_SCHEDULE_ENTRIES');
  },
};
