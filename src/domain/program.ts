/**
 * The one domain model of a training program's content, shared by the legacy
 * blob reader, the invariants, id reconciliation, schedule repair and the
 * versioned tables. Pure values: no I/O anywhere under src/domain.
 */

/** One prescribed set of an exercise. */
export interface SetPrescription {
  readonly reps: number;
  /** Upper bound of a rep range (`8-10`), or null for a fixed rep count. */
  readonly repsMax: number | null;
  readonly weightKg: number | null;
  readonly restSeconds: number;
}

export interface Exercise {
  /** Stable id, unique within the whole program (across workouts). */
  readonly id: string;
  readonly name: string;
  readonly notes: string | null;
  readonly sets: readonly SetPrescription[];
}

export interface Workout {
  /** Stable id, unique within the program. */
  readonly id: string;
  readonly name: string;
  readonly exercises: readonly Exercise[];
}

/** `dayOfWeek` 0 = Monday … 6 = Sunday; `workoutIndex` points into `workouts`. */
export interface ScheduleEntry {
  readonly dayOfWeek: number;
  readonly workoutIndex: number;
}

export interface ProgramContent {
  readonly workouts: readonly Workout[];
  readonly schedule: readonly ScheduleEntry[];
}

/** Program content as a client sends it: ids are optional hints, not trusted. */
export interface ExerciseDraft {
  readonly id?: string | null;
  readonly name: string;
  readonly notes?: string | null;
  readonly sets: readonly SetPrescription[];
}

export interface WorkoutDraft {
  readonly id?: string | null;
  readonly name: string;
  readonly exercises: readonly ExerciseDraft[];
}

export interface ProgramDraft {
  readonly workouts: readonly WorkoutDraft[];
  readonly schedule: readonly ScheduleEntry[];
}

/** A whole program as a client sends it (create or edit): its name and a draft of its content. */
export interface ProgramEdit {
  readonly name: string;
  readonly draft: ProgramDraft;
}

/** A rule a program breaks: `path` is a JSON path into the input (`workouts.0.exercises.1.sets.0.reps`). */
export interface Violation {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}
