import type { ProgramContent } from './program.js';

/**
 * What the legacy blob reader had to drop, default or rewrite. Every code is
 * something an operator may want to count in the backfill report; none of them
 * is silent.
 */
export type BlobIssueCode =
  /** The blob is not an object with a `workouts` array: nothing can be read. */
  | 'NOT_A_PROGRAM'
  | 'WORKOUT_UNREADABLE'
  /** `exercises` missing or null: the workout is kept with no exercises. */
  | 'EXERCISES_MISSING'
  | 'EXERCISE_UNREADABLE'
  /** Every set of the exercise was unreadable (or it had none): exercise dropped. */
  | 'EXERCISE_WITHOUT_SETS'
  | 'SET_UNREADABLE'
  /** `repsMax` unreadable or below `reps`: the set is kept as a fixed rep count. */
  | 'REPS_MAX_DROPPED'
  /** Weight unreadable, negative or too high: the set is kept without a weight. */
  | 'WEIGHT_DROPPED'
  /** Rest missing or unreadable: the set is kept with the default rest. */
  | 'REST_DEFAULTED'
  /** `notes` is not a string: the exercise is kept without notes. */
  | 'NOTES_DROPPED'
  | 'MISSING_ID'
  | 'DUPLICATE_ID'
  /** `schedule` is neither an array nor an object of day names. */
  | 'SCHEDULE_UNREADABLE'
  | 'SCHEDULE_ENTRY_UNREADABLE'
  | 'SCHEDULE_ENTRY_NULL'
  /** The entry points past the end of the blob's `workouts`. */
  | 'SCHEDULE_INDEX_OUT_OF_RANGE'
  /** The entry points at a workout that was unreadable and dropped. */
  | 'SCHEDULE_WORKOUT_DROPPED'
  | 'DUPLICATE_SCHEDULE_ENTRY';

/** `path` is a dotted path into the raw blob, with the blob's own indexes (`workouts.2.exercises.0.sets.1`). */
export interface BlobIssue {
  readonly path: string;
  readonly code: BlobIssueCode;
  readonly message: string;
}

export type LegacyBlobResult =
  | { readonly ok: true; readonly content: ProgramContent; readonly issues: readonly BlobIssue[] }
  | { readonly ok: false; readonly issues: readonly BlobIssue[] };

/** Collects issues while the reader walks the blob; one per reading. */
export class BlobIssueLog {
  readonly issues: BlobIssue[] = [];

  add(path: string, code: BlobIssueCode, message: string): void {
    this.issues.push({ path, code, message });
  }
}
