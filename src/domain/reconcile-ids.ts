import { normaliseName } from './normalise-name.js';
import { Pairing } from './pairing.js';
import type { Exercise, ExerciseDraft, ProgramContent, ProgramDraft, SetPrescription, Workout, WorkoutDraft } from './program.js';

/** An exercise with the position of its workout in its program. */
interface Placed<E> {
  readonly workout: number;
  readonly exercise: E;
}

/**
 * Gives incoming content the stable ids of the stored content it continues.
 * Clients (the AI above all) drop, regenerate or shuffle ids, so an incoming
 * id is a hint: it is kept only when it names a stored item, and content
 * outranks it — an item identical to a stored one is that item, whatever id
 * came with it.
 *
 * Workouts are paired by, in order: same id and same content; same content
 * (ids and exercise order ignored); same id (an edited workout); same
 * normalised name, when only one stored and one incoming workout left have it
 * (edited, same name); the same exercise names, likewise (a renamed workout).
 * Exercises are paired by: same id and same content; same content, first
 * within the paired workout, then anywhere (a moved exercise); same id; same
 * normalised name when unambiguous, first within the paired workout, then
 * anywhere. Identical items competing for identical stored ones pair first to
 * first. Whatever is left unpaired is new and gets `newId()`.
 *
 * The schedule is carried over as is: its indexes point at incoming positions,
 * which are the output's positions.
 */
export function reconcileIds(stored: ProgramContent, incoming: ProgramDraft, newId: () => string): ProgramContent {
  // Every pass keys the same items again: each key is worked out once per item.
  const keys: Keys = { exerciseContent: once(exerciseContent), name: once(normaliseName) };
  const workouts = pairWorkouts(stored.workouts, incoming.workouts, keys);
  const storedExercises = placed(stored.workouts);
  const incomingExercises = placed(incoming.workouts);
  const exercises = pairExercises(storedExercises, incomingExercises, workouts, keys);

  const storedIds = new Set(stored.workouts.flatMap((w) => [w.id, ...w.exercises.map((e) => e.id)]));
  const workoutIds = new IdAllocator(storedIds, newId);
  const exerciseIds = new IdAllocator(storedIds, newId);
  let flatIndex = 0;
  return {
    workouts: incoming.workouts.map((workout, w) => ({
      id: workoutIds.claim(workouts.storedOf(w)?.id),
      name: workout.name,
      exercises: workout.exercises.map((exercise) => ({
        id: exerciseIds.claim(exercises.storedOf(flatIndex++)?.exercise.id),
        name: exercise.name,
        notes: exercise.notes ?? null,
        sets: exercise.sets.map(copySet),
      })),
    })),
    schedule: incoming.schedule.map(({ dayOfWeek, workoutIndex }) => ({ dayOfWeek, workoutIndex })),
  };
}

/** Key functions shared by the passes, each remembering its answer per item. */
interface Keys {
  readonly exerciseContent: (exercise: ExerciseDraft) => string;
  readonly name: (name: string) => string;
}

/** `key`, worked out once per argument (an item object, or a name). */
function once<A extends object | string, R>(key: (arg: A) => R): (arg: A) => R {
  const known = new Map<A, R>();
  return (arg) => {
    if (known.has(arg)) return known.get(arg)!;
    const value = key(arg);
    known.set(arg, value);
    return value;
  };
}

function pairWorkouts(stored: readonly Workout[], incoming: readonly WorkoutDraft[], keys: Keys): Pairing<Workout, WorkoutDraft> {
  const content = once((w: WorkoutDraft) => workoutContent(w, keys));
  const idWithContent = (w: WorkoutDraft) => idAndContent(w.id, content(w));
  const id = (w: WorkoutDraft) => givenId(w.id);
  const name = (w: WorkoutDraft) => keys.name(w.name);
  const names = (w: WorkoutDraft) => exerciseNames(w, keys);

  const pairing = new Pairing(stored, incoming);
  pairing.pass(idWithContent, idWithContent, 'inOrder');
  pairing.pass(content, content, 'inOrder');
  pairing.pass(id, id, 'inOrder');
  pairing.pass(name, name, 'unambiguous');
  pairing.pass(names, names, 'unambiguous');
  return pairing;
}

function pairExercises(
  stored: readonly Placed<Exercise>[],
  incoming: readonly Placed<ExerciseDraft>[],
  workouts: Pairing<Workout, WorkoutDraft>,
  keys: Keys,
): Pairing<Placed<Exercise>, Placed<ExerciseDraft>> {
  type Key = (p: Placed<ExerciseDraft>) => string | null;
  const idWithContent: Key = (p) => idAndContent(p.exercise.id, keys.exerciseContent(p.exercise));
  const content: Key = (p) => keys.exerciseContent(p.exercise);
  const id: Key = (p) => givenId(p.exercise.id);
  const name: Key = (p) => keys.name(p.exercise.name);
  // "Within the workout" scopes a key to a stored workout: a stored exercise's
  // own, and for an incoming one the stored workout its workout was paired with.
  const inStoredWorkout = (key: Key) => (s: Placed<Exercise>) => JSON.stringify([s.workout, key(s)]);
  const inPairedWorkout = (key: Key) => (i: Placed<ExerciseDraft>) => {
    const scope = workouts.storedIndexOf(i.workout);
    return scope === undefined ? null : JSON.stringify([scope, key(i)]);
  };

  const pairing = new Pairing(stored, incoming);
  pairing.pass(idWithContent, idWithContent, 'inOrder');
  pairing.pass(inStoredWorkout(content), inPairedWorkout(content), 'inOrder');
  pairing.pass(content, content, 'inOrder');
  pairing.pass(id, id, 'inOrder');
  pairing.pass(inStoredWorkout(name), inPairedWorkout(name), 'unambiguous');
  pairing.pass(name, name, 'unambiguous');
  return pairing;
}

function placed<E>(workouts: readonly { readonly exercises: readonly E[] }[]): Placed<E>[] {
  return workouts.flatMap((workout, w) => workout.exercises.map((exercise) => ({ workout: w, exercise })));
}

/** Absent ids take no part in id passes. */
function givenId(id: string | null | undefined): string | null {
  return id === null || id === undefined || id === '' ? null : id;
}

function idAndContent(id: string | null | undefined, content: string): string | null {
  const given = givenId(id);
  return given === null ? null : JSON.stringify([given, content]);
}

/** What an exercise is, ids aside. */
function exerciseContent(exercise: ExerciseDraft): string {
  return JSON.stringify([exercise.name, exercise.notes ?? null, exercise.sets.map(copySet)]);
}

/**
 * What a workout is, ids aside. Exercise order does not count: reordering
 * exercises is the lightest of edits, and must not leave the workout to the
 * weaker passes, where an id hint naming another workout could claim it.
 */
function workoutContent(workout: WorkoutDraft, keys: Keys): string {
  return JSON.stringify([workout.name, workout.exercises.map(keys.exerciseContent).sort()]);
}

/** The workout's exercises by normalised name, order and sets aside; null for a workout with none (too weak to pair on). */
function exerciseNames(workout: WorkoutDraft, keys: Keys): string | null {
  if (workout.exercises.length === 0) return null;
  return JSON.stringify(workout.exercises.map((e) => keys.name(e.name)).sort());
}

function copySet(set: SetPrescription): SetPrescription {
  return { reps: set.reps, repsMax: set.repsMax ?? null, weightKg: set.weightKg ?? null, restSeconds: set.restSeconds };
}

/**
 * Hands out the ids of one namespace (workouts, or exercises): a paired stored
 * id, or a fresh one. A fresh id must not be any stored id (a deleted item's id
 * would revive its history under a new item) nor one already given out; a
 * generator that keeps failing that is broken.
 */
class IdAllocator {
  private readonly used = new Set<string>();

  constructor(
    private readonly storedIds: ReadonlySet<string>,
    private readonly newId: () => string,
  ) {}

  claim(pairedId: string | undefined): string {
    const id = pairedId !== undefined && !this.used.has(pairedId) ? pairedId : this.fresh();
    this.used.add(id);
    return id;
  }

  private fresh(): string {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const id = this.newId();
      if (!this.used.has(id) && !this.storedIds.has(id)) return id;
    }
    throw new Error('reconcileIds: newId() returned only ids already in use; it must return fresh ids');
  }
}
