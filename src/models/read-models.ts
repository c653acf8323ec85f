import type { Renaming, ScheduledWorkout, VersionChanges } from '../domain/diff-versions.js';
import { exposedContent, exposedIdIn } from '../domain/exposed-ids.js';
import type { Exercise, ProgramContent, SetPrescription } from '../domain/program.js';

/**
 * What the read paths return and the resolvers receive (the codegen mappers).
 * Both read paths — legacy blob and versioned tables — produce exactly these
 * shapes, which is what lets one set of resolvers serve either path and lets
 * tests deep-compare them.
 */
export interface ProgramModel {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly updatedAt: Date;
  readonly content: ProgramContent;
  readonly currentVersionId: string | null;
  /** Changes the program went through; the same on both read paths (it lives on the program row). */
  readonly revision: number;
}

export interface WorkoutModel {
  readonly programId: string;
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly exercises: readonly Exercise[];
}

/** A schedule entry of the program as it is now; `id` is `<program id>/<dayOfWeek>/<n>` (see `scheduleEntryIds`). */
export interface ScheduleEntryModel {
  readonly id: string;
  readonly dayOfWeek: number;
  readonly workout: WorkoutModel;
}

/*
 * Object identity. Normalised client caches merge every object of one type
 * with the same `id`, so an id names one thing with one set of values in
 * every response: the current program's workouts and exercises carry the
 * stable ids in their exposed form (a legacy id such as "1" qualified by its
 * program, see `exposedId`); a version's content is a snapshot whose ids are
 * scoped to the version (`<version id>/<exposed stable id>`); a prescribed set
 * is `<owner id>/<index>`. All of it is derived from what both read paths
 * return, so both give the same ids for the same data.
 */

/**
 * A prescribed set, with what its id is made of: the id of the exercise or
 * exercise snapshot it belongs to and its 0-based index (`setPrescriptionId`
 * joins them, `<ownerId>/<index>`, when a client asks). Not the joined id
 * itself: the models of every cached version live as long as the process,
 * and a kept id was two concatenated strings per set — half a million
 * objects in a server holding 3,000 versions, each marked by every full
 * collection — for a field the workout screen does not ask for.
 */
export interface SetPrescriptionModel extends SetPrescription {
  readonly ownerId: string;
  readonly index: number;
}

export interface ExerciseSnapshotModel {
  /** `<version id>/<exerciseId>` */
  readonly id: string;
  readonly exerciseId: string;
  readonly name: string;
  readonly notes: string | null;
  readonly sets: readonly SetPrescriptionModel[];
}

export interface WorkoutSnapshotModel {
  /** `<version id>/<workoutId>` */
  readonly id: string;
  readonly workoutId: string;
  readonly name: string;
  readonly position: number;
  readonly exercises: readonly ExerciseSnapshotModel[];
}

export interface ScheduleSnapshotEntryModel {
  /** `<version id>/<dayOfWeek>/<n>` */
  readonly id: string;
  readonly dayOfWeek: number;
  readonly workout: WorkoutSnapshotModel;
}

type WithId<T> = T & { readonly id: string };
type ItemOf<L> = L extends readonly (infer T)[] ? T : never;

/**
 * A version's changes as the schema serves them: every change record has an
 * id (`<version id>` for the program's rename and the schedule change,
 * `<version id>/<stable workout or exercise id>` for a record about one item,
 * `<version id>/before|after/<index>` for a schedule entry), so a normalised
 * cache merges two queries that select different fields of the same record.
 * The sets of `setsChanged` carry the ids of the two versions' exercise snapshots.
 */
export interface VersionChangesModel {
  /** The id of the version the changes made. */
  readonly id: string;
  readonly unchanged: boolean;
  readonly renamed: WithId<Renaming> | null;
  readonly workoutsAdded: readonly WithId<ItemOf<VersionChanges['workoutsAdded']>>[];
  readonly workoutsRemoved: readonly WithId<ItemOf<VersionChanges['workoutsRemoved']>>[];
  readonly workoutsRenamed: readonly WithId<ItemOf<VersionChanges['workoutsRenamed']>>[];
  readonly workoutsMoved: readonly WithId<ItemOf<VersionChanges['workoutsMoved']>>[];
  readonly exercisesAdded: readonly WithId<ItemOf<VersionChanges['exercisesAdded']>>[];
  readonly exercisesRemoved: readonly WithId<ItemOf<VersionChanges['exercisesRemoved']>>[];
  readonly exercisesRenamed: readonly WithId<ItemOf<VersionChanges['exercisesRenamed']>>[];
  readonly exercisesMoved: readonly WithId<ItemOf<VersionChanges['exercisesMoved']>>[];
  readonly notesChanged: readonly WithId<ItemOf<VersionChanges['notesChanged']>>[];
  readonly setsChanged: readonly {
    readonly id: string;
    readonly exerciseId: string;
    readonly before: readonly SetPrescriptionModel[];
    readonly after: readonly SetPrescriptionModel[];
  }[];
  readonly scheduleChanged: {
    readonly id: string;
    readonly before: readonly WithId<ScheduledWorkout>[];
    readonly after: readonly WithId<ScheduledWorkout>[];
  } | null;
}

export interface SessionModel {
  readonly id: string;
  readonly userId: string;
  readonly programId: string | null;
  readonly workoutId: string | null;
  /** Name stored when the session was logged; null on rows logged before Phase 1 (the read path derives one). */
  readonly workoutNameSnapshot: string | null;
  readonly startedAt: Date;
  readonly completedAt: Date | null;
  readonly programVersionId: string | null;
  readonly workoutVersionId: string | null;
}

export interface PerformedSetModel {
  readonly id: string;
  readonly sessionId: string;
  readonly exerciseId: string | null;
  readonly exerciseName: string;
  readonly setNumber: number;
  readonly reps: number | null;
  readonly weightKg: number | null;
  readonly rpe: number | null;
  readonly completedAt: Date | null;
}

export interface ExercisePerformanceModel {
  readonly exerciseId: string;
  readonly session: SessionModel;
  readonly sets: readonly PerformedSetModel[];
}

/** An immutable program version (read from the version tables). */
export interface ProgramVersionModel {
  readonly id: string;
  readonly programId: string;
  readonly number: number;
  readonly parentId: string | null;
  readonly name: string;
  readonly source: 'USER' | 'AI' | 'BACKFILL' | 'REVERT';
  readonly createdAt: Date;
  readonly content: ProgramContent;
}

export interface CalendarDayModel {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly scheduled: readonly WorkoutModel[];
  readonly sessions: readonly SessionModel[];
}

export interface SessionPage {
  readonly sessions: readonly SessionModel[];
  readonly hasNextPage: boolean;
}

/*
 * The models below are derived from a program content alone (and the id it is
 * shown under), and the versioned read path hands out the same content object
 * for as long as a version is cached: version rows never change. So each
 * derivation is remembered per content object, and every request for a cached
 * version shares one set of models instead of rebuilding them — the
 * full-tree read used to map every workout, exercise and set anew. Keyed
 * weakly: a content object that nothing else holds (a legacy blob parsed for
 * one request) takes its models with it.
 *
 * Shared, so never to be changed: the types are readonly throughout. They are
 * not frozen at run time — graphql-jit walked frozen lists and objects about
 * twice as slowly (measured with `npm run profile` on `_entities`×50).
 */
const workoutsOf = new WeakMap<ProgramContent, Derived<readonly WorkoutModel[]>>();
const scheduleEntriesOf = new WeakMap<ProgramContent, Derived<readonly ScheduleEntryModel[]>>();
const setsOf = new WeakMap<readonly SetPrescription[], Derived<readonly SetPrescriptionModel[]>>();
const workoutSnapshotsOf = new WeakMap<ProgramContent, Derived<readonly WorkoutSnapshotModel[]>>();
const scheduleSnapshotsOf = new WeakMap<ProgramContent, Derived<readonly ScheduleSnapshotEntryModel[]>>();

/** What was derived from one object, and the id it was derived for (a content is only ever shown under one). */
interface Derived<T> {
  readonly scopeId: string;
  readonly value: T;
}

function remembered<K extends object, T>(memo: WeakMap<K, Derived<T>>, key: K, scopeId: string, derive: () => T): T {
  const hit = memo.get(key);
  if (hit && hit.scopeId === scopeId) return hit.value;
  const value = derive();
  memo.set(key, { scopeId, value });
  return value;
}

/** Workouts of a program content as models, with exposed ids (positions are array indexes). */
export function workoutModels(programId: string, content: ProgramContent): readonly WorkoutModel[] {
  return remembered(workoutsOf, content, programId, () =>
    exposedContent(programId, content).workouts.map((w, position) => ({ programId, id: w.id, name: w.name, position, exercises: w.exercises })),
  );
}

/** The schedule with each entry's workout; an entry whose index points nowhere is left out. */
export function scheduleModels(programId: string, content: ProgramContent): readonly ScheduleEntryModel[] {
  return remembered(scheduleEntriesOf, content, programId, () => scheduleOf(programId, content, workoutModels(programId, content)));
}

/**
 * Sets as models. Built field by field, not by spreading the stored set: a
 * spread copy takes its hidden class from the source, and once a field has
 * held both small integers and fractions (`weightKg` 60 and 62.5) V8 gave
 * nearly every copy a hidden class of its own — a quarter of a million of
 * them in a server holding 3,000 versions, each marked by every full
 * collection. A literal shares one. The id is not kept (see `SetPrescriptionModel`).
 */
export function prescribedSets(ownerId: string, sets: readonly SetPrescription[]): readonly SetPrescriptionModel[] {
  return remembered(setsOf, sets, ownerId, () =>
    sets.map((set, index) => ({ reps: set.reps, repsMax: set.repsMax, weightKg: set.weightKg, restSeconds: set.restSeconds, ownerId, index })),
  );
}

/** A prescribed set's id as clients see it: `<ownerId>/<index>`. */
export const setPrescriptionId = (set: SetPrescriptionModel): string => `${set.ownerId}/${set.index}`;

/** The id an exercise has as a snapshot in a version. */
export const exerciseSnapshotId = (versionId: string, exerciseId: string): string => `${versionId}/${exerciseId}`;

/** What snapshots are built from: a version of a program, with its content as stored. */
export type VersionContent = Pick<ProgramVersionModel, 'id' | 'programId' | 'content'>;

/** A version's workouts as snapshots, with exposed stable ids and ids scoped to the version. */
export function workoutSnapshots({ id: versionId, programId, content: stored }: VersionContent): readonly WorkoutSnapshotModel[] {
  // Snapshot ids hold the version id, and exposed ids the program id: both scope what is remembered.
  return remembered(workoutSnapshotsOf, stored, `${versionId} ${programId}`, () =>
    exposedContent(programId, stored).workouts.map((w, position) => ({
      id: `${versionId}/${w.id}`,
      workoutId: w.id,
      name: w.name,
      position,
      exercises: w.exercises.map((e) => {
        const id = exerciseSnapshotId(versionId, e.id);
        return { id, exerciseId: e.id, name: e.name, notes: e.notes, sets: prescribedSets(id, e.sets) };
      }),
    })),
  );
}

/** A version's schedule as snapshots; an entry whose index points nowhere is left out. */
export function scheduleSnapshots(version: VersionContent): readonly ScheduleSnapshotEntryModel[] {
  return remembered(scheduleSnapshotsOf, version.content, `${version.id} ${version.programId}`, () => scheduleOf(version.id, version.content, workoutSnapshots(version)));
}

/**
 * Entries with the workout each points at, identified by `<scopeId>/<dayOfWeek>/<n>`
 * (the n-th entry shown for that day). Counted over the entries shown, so both
 * read paths, which show the same entries, give the same ids.
 */
function scheduleOf<W>(scopeId: string, content: ProgramContent, workouts: readonly W[]): { id: string; dayOfWeek: number; workout: W }[] {
  const perDay = new Map<number, number>();
  return content.schedule.flatMap((e) => {
    const workout = workouts[e.workoutIndex];
    if (!workout) return [];
    const n = perDay.get(e.dayOfWeek) ?? 0;
    perDay.set(e.dayOfWeek, n + 1);
    return [{ id: `${scopeId}/${e.dayOfWeek}/${n}`, dayOfWeek: e.dayOfWeek, workout }];
  });
}

/** A logged set with its exercise id as clients see it: qualified by the session's program where it is a legacy id (as logged when the session has no program). */
export function withExposedExercise(set: PerformedSetModel, programId: string | null): PerformedSetModel {
  if (set.exerciseId === null) return set;
  const exerciseId = exposedIdIn(programId, set.exerciseId);
  // A UUID is its own exposed form: no copy for the common case (a page of history has hundreds of sets).
  return exerciseId === set.exerciseId ? set : { ...set, exerciseId };
}
