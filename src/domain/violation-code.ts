import type { Violation } from './program.js';

/** Every rule `checkProgram` enforces. Clients switch on these; add, never rename. */
export const ViolationCode = {
  NAME_EMPTY: 'NAME_EMPTY',
  NAME_TOO_LONG: 'NAME_TOO_LONG',
  NOTES_TOO_LONG: 'NOTES_TOO_LONG',
  TOO_MANY_WORKOUTS: 'TOO_MANY_WORKOUTS',
  TOO_MANY_EXERCISES: 'TOO_MANY_EXERCISES',
  TOO_MANY_SETS: 'TOO_MANY_SETS',
  TOO_MANY_SCHEDULE_ENTRIES: 'TOO_MANY_SCHEDULE_ENTRIES',
  DUPLICATE_WORKOUT_ID: 'DUPLICATE_WORKOUT_ID',
  DUPLICATE_EXERCISE_ID: 'DUPLICATE_EXERCISE_ID',
  NO_SETS: 'NO_SETS',
  NOT_AN_INTEGER: 'NOT_AN_INTEGER',
  NOT_A_FINITE_NUMBER: 'NOT_A_FINITE_NUMBER',
  REPS_TOO_LOW: 'REPS_TOO_LOW',
  REPS_TOO_HIGH: 'REPS_TOO_HIGH',
  REPS_MAX_BELOW_REPS: 'REPS_MAX_BELOW_REPS',
  WEIGHT_NEGATIVE: 'WEIGHT_NEGATIVE',
  WEIGHT_TOO_HIGH: 'WEIGHT_TOO_HIGH',
  REST_OUT_OF_RANGE: 'REST_OUT_OF_RANGE',
  DAY_OUT_OF_RANGE: 'DAY_OUT_OF_RANGE',
  WORKOUT_INDEX_OUT_OF_RANGE: 'WORKOUT_INDEX_OUT_OF_RANGE',
  DUPLICATE_SCHEDULE_ENTRY: 'DUPLICATE_SCHEDULE_ENTRY',
  /** A control, bidirectional-formatting or other character text may not hold (see forbidden-characters.ts). */
  FORBIDDEN_CHARACTER: 'FORBIDDEN_CHARACTER',
  /** A weight with more than two decimals. */
  TOO_MANY_DECIMALS: 'TOO_MANY_DECIMALS',
} as const;

export type ViolationCode = (typeof ViolationCode)[keyof typeof ViolationCode];

/** A `Violation` whose code is one of ours. */
export interface ProgramViolation extends Violation {
  readonly code: ViolationCode;
}
