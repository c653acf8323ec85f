import type { Exercise, ProgramContent } from '../domain/program.js';

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

export interface ScheduleEntryModel {
  readonly dayOfWeek: number;
  readonly workout: WorkoutModel;
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

/** Workouts of a program content as models (positions are array indexes). */
export function workoutModels(programId: string, content: ProgramContent): WorkoutModel[] {
  return content.workouts.map((w, position) => ({ programId, id: w.id, name: w.name, position, exercises: w.exercises }));
}

/** The schedule with each entry's workout; an entry whose index points nowhere is left out. */
export function scheduleModels(programId: string, content: ProgramContent): ScheduleEntryModel[] {
  const workouts = workoutModels(programId, content);
  return content.schedule.flatMap((e) => {
    const workout = workouts[e.workoutIndex];
    return workout ? [{ dayOfWeek: e.dayOfWeek, workout }] : [];
  });
}
