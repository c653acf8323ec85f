import { PROGRAM_LIMITS } from './program-limits.js';

/**
 * How much logged history one list shows, so every list a request can ask
 * for has a known bound (the operation cost analysis counts lists at these
 * sizes). History rows are never deleted and rows written before these bounds
 * may exceed them: reads show the first ones. Nothing legitimate comes close.
 */
export const HISTORY_LIMITS = {
  /** Sessions a calendar day shows (the `sessions` query still lists every one). */
  maxSessionsPerDay: 20,
  /** Sets a session shows: as many as the largest workout prescribes. */
  maxSetsPerSession: PROGRAM_LIMITS.maxExercisesPerWorkout * PROGRAM_LIMITS.maxSetsPerExercise,
  /** Sets a last performance shows for its exercise: as many as one exercise may prescribe. */
  maxSetsPerPerformance: PROGRAM_LIMITS.maxSetsPerExercise,
} as const;
