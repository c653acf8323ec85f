import type { Exercise, ProgramContent, SetPrescription, Workout } from './program.js';

/*
 * What changed between a parent version and a child version, for
 * `ProgramVersion.changes`. Items are matched by stable id only (reconcileIds
 * has already decided which item is which), never by name or content.
 *
 * Positions are 0-based indexes: a workout's in the program, an exercise's in
 * its workout. Every list is ordered by position in `after` (workout order,
 * then exercise order); removals by position in `before`. The result is plain
 * data, safe to serialise as is.
 */

export interface WorkoutPlacement {
  readonly workoutId: string;
  readonly name: string;
  readonly position: number;
}

export interface ExercisePlacement {
  readonly exerciseId: string;
  readonly workoutId: string;
  readonly name: string;
  readonly position: number;
}

export interface Renaming {
  readonly from: string;
  readonly to: string;
}

export interface WorkoutMove {
  readonly workoutId: string;
  readonly from: number;
  readonly to: number;
}

export interface ExerciseMove {
  readonly exerciseId: string;
  readonly fromWorkoutId: string;
  readonly toWorkoutId: string;
  readonly from: number;
  readonly to: number;
}

/** A schedule entry with its workout named by stable id instead of by position. */
export interface ScheduledWorkout {
  readonly dayOfWeek: number;
  readonly workoutId: string;
}

export interface VersionChanges {
  /** The program's name; null unless both names are given and differ. */
  readonly renamed: Renaming | null;
  readonly workoutsAdded: readonly WorkoutPlacement[];
  readonly workoutsRemoved: readonly WorkoutPlacement[];
  readonly workoutsRenamed: readonly (Renaming & { readonly workoutId: string })[];
  /** Only real reorders: see `leftOutOfOrder`. */
  readonly workoutsMoved: readonly WorkoutMove[];
  readonly exercisesAdded: readonly ExercisePlacement[];
  readonly exercisesRemoved: readonly ExercisePlacement[];
  readonly exercisesRenamed: readonly (Renaming & { readonly exerciseId: string })[];
  /** Moved to another workout, or reordered within the same one (same rule as workouts). */
  readonly exercisesMoved: readonly ExerciseMove[];
  readonly notesChanged: readonly { readonly exerciseId: string; readonly from: string | null; readonly to: string | null }[];
  /** Any difference in the sets, compared in order, field by field. */
  readonly setsChanged: readonly { readonly exerciseId: string; readonly before: readonly SetPrescription[]; readonly after: readonly SetPrescription[] }[];
  /**
   * Null when both schedules hold the same (day, workout id) pairs. Compared as
   * sets, not lists: entry order carries no meaning, and a workout moving
   * renumbers `workoutIndex` without changing the schedule. Each side is
   * sorted by day, then by the workout's position in its version.
   */
  readonly scheduleChanged: { readonly before: readonly ScheduledWorkout[]; readonly after: readonly ScheduledWorkout[] } | null;
  /** True iff every list is empty and `renamed` and `scheduleChanged` are null. */
  readonly unchanged: boolean;
}

export function diffVersions(before: ProgramContent, after: ProgramContent, beforeName?: string, afterName?: string): VersionChanges {
  const renamed = beforeName !== undefined && afterName !== undefined && beforeName !== afterName ? { from: beforeName, to: afterName } : null;
  const lists = { ...diffWorkouts(before.workouts, after.workouts), ...diffExercises(before.workouts, after.workouts) };
  const scheduleChanged = diffSchedule(before, after);
  const unchanged = renamed === null && scheduleChanged === null && Object.values(lists).every((list) => list.length === 0);
  return { renamed, ...lists, scheduleChanged, unchanged };
}

function diffWorkouts(before: readonly Workout[], after: readonly Workout[]) {
  const was = new Map(before.map((workout, position) => [workout.id, { workout, position }]));
  const kept = new Set(after.map((workout) => workout.id));
  const common = after.flatMap((workout, position) => {
    const old = was.get(workout.id);
    return old === undefined ? [] : [{ workout, position, old }];
  });
  const moved = leftOutOfOrder(common.map((c) => c.old.position));
  return {
    workoutsAdded: after.flatMap((workout, position) => (was.has(workout.id) ? [] : [{ workoutId: workout.id, name: workout.name, position }])),
    workoutsRemoved: before.flatMap((workout, position) => (kept.has(workout.id) ? [] : [{ workoutId: workout.id, name: workout.name, position }])),
    workoutsRenamed: common.flatMap(({ workout, old }) => (old.workout.name === workout.name ? [] : [{ workoutId: workout.id, from: old.workout.name, to: workout.name }])),
    workoutsMoved: common.flatMap(({ workout, position, old }, i) => (moved.has(i) ? [{ workoutId: workout.id, from: old.position, to: position }] : [])),
  };
}

interface Located {
  readonly exercise: Exercise;
  readonly workoutId: string;
  readonly position: number;
}

/** Every exercise by id, in program order (a Map iterates in insertion order). */
function locate(workouts: readonly Workout[]): Map<string, Located> {
  return new Map(workouts.flatMap((workout) => workout.exercises.map((exercise, position) => [exercise.id, { exercise, workoutId: workout.id, position }] as const)));
}

function diffExercises(before: readonly Workout[], after: readonly Workout[]) {
  const was = locate(before);
  const now = locate(after);
  const placement = ({ exercise, workoutId, position }: Located): ExercisePlacement => ({ exerciseId: exercise.id, workoutId, name: exercise.name, position });
  const common = [...now.values()].flatMap((located) => {
    const old = was.get(located.exercise.id);
    return old === undefined ? [] : [{ ...located, old }];
  });
  const moved = new Set(common.filter((c) => c.old.workoutId !== c.workoutId).map((c) => c.exercise.id));
  // Within a workout, only exercises that stayed in it take part in the order check.
  for (const workout of after) {
    const stayed = common.filter((c) => c.workoutId === workout.id && c.old.workoutId === workout.id);
    for (const i of leftOutOfOrder(stayed.map((c) => c.old.position))) moved.add(stayed[i]?.exercise.id ?? '');
  }
  return {
    exercisesAdded: [...now.values()].filter((l) => !was.has(l.exercise.id)).map(placement),
    exercisesRemoved: [...was.values()].filter((l) => !now.has(l.exercise.id)).map(placement),
    exercisesRenamed: common.flatMap(({ exercise, old }) => (old.exercise.name === exercise.name ? [] : [{ exerciseId: exercise.id, from: old.exercise.name, to: exercise.name }])),
    exercisesMoved: common.flatMap(({ exercise, workoutId, position, old }) =>
      moved.has(exercise.id) ? [{ exerciseId: exercise.id, fromWorkoutId: old.workoutId, toWorkoutId: workoutId, from: old.position, to: position }] : [],
    ),
    notesChanged: common.flatMap(({ exercise, old }) => (old.exercise.notes === exercise.notes ? [] : [{ exerciseId: exercise.id, from: old.exercise.notes, to: exercise.notes }])),
    setsChanged: common.flatMap(({ exercise, old }) => (sameSets(old.exercise.sets, exercise.sets) ? [] : [{ exerciseId: exercise.id, before: old.exercise.sets, after: exercise.sets }])),
  };
}

function sameSets(a: readonly SetPrescription[], b: readonly SetPrescription[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return y !== undefined && x.reps === y.reps && x.repsMax === y.repsMax && x.weightKg === y.weightKg && x.restSeconds === y.restSeconds;
    })
  );
}

function diffSchedule(before: ProgramContent, after: ProgramContent): VersionChanges['scheduleChanged'] {
  const was = scheduled(before);
  const now = scheduled(after);
  const key = (entry: ScheduledWorkout) => JSON.stringify([entry.dayOfWeek, entry.workoutId]);
  const wasKeys = was.map(key).sort();
  const nowKeys = now.map(key).sort();
  const same = wasKeys.length === nowKeys.length && wasKeys.every((k, i) => k === nowKeys[i]);
  return same ? null : { before: was, after: now };
}

function scheduled(content: ProgramContent): ScheduledWorkout[] {
  return [...content.schedule]
    .sort((x, y) => x.dayOfWeek - y.dayOfWeek || x.workoutIndex - y.workoutIndex)
    .map((entry) => {
      const workout = content.workouts[entry.workoutIndex];
      // Stored versions pass the invariants, so this is a bug upstream, not bad input.
      if (workout === undefined) throw new Error(`diffVersions: schedule entry for day ${entry.dayOfWeek} points at workout ${entry.workoutIndex}, which does not exist`);
      return { dayOfWeek: entry.dayOfWeek, workoutId: workout.id };
    });
}

/**
 * Indexes into `positions` (each common item's old position, listed in new
 * order) of the items that must have moved: all but one longest increasing
 * subsequence. Those kept their order relative to each other, so inserting or
 * removing an item elsewhere moves nothing, and a swap reports one item.
 */
function leftOutOfOrder(positions: readonly number[]): Set<number> {
  const tailValues: number[] = []; // tailValues[k]: smallest last value of an increasing run of length k + 1
  const tailIndexes: number[] = [];
  const previous: number[] = [];
  positions.forEach((value, i) => {
    let lo = 0;
    let hi = tailValues.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tailValues[mid] ?? Infinity) < value) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = tailIndexes[lo - 1] ?? -1;
    tailValues[lo] = value;
    tailIndexes[lo] = i;
  });
  const out = new Set(positions.keys());
  for (let i = tailIndexes.at(-1) ?? -1; i !== -1; i = previous[i] ?? -1) out.delete(i);
  return out;
}
