import { differingPaths } from '../../domain/differing-paths.js';
import type { ExercisePerformanceModel } from '../../models/read-models.js';

export type ShadowOperation =
  | 'program'
  | 'programs'
  | 'activeProgram'
  | 'session'
  | 'sessions'
  | 'sessionWorkout'
  | 'sessionWorkoutName'
  | 'sessionSets'
  | 'lastPerformance'
  | 'calendar';

/**
 * Compares a versioned read with the legacy read of the same thing, both of
 * one database snapshot. Returns the differing paths; empty means they match.
 * Explicit rules for what only one side can know:
 * - `lastPerformance`: see `lastPerformanceAgrees`.
 * - everything else must be equal field for field (dates by instant).
 */
export function compareShadow(operation: ShadowOperation, versioned: unknown, legacy: unknown): string[] {
  if (operation === 'lastPerformance' && lastPerformanceAgrees(versioned as ExercisePerformanceModel | null, legacy as ExercisePerformanceModel | null)) return [];
  return differingPaths(versioned, legacy);
}

/**
 * The versioned path follows an exercise's stable id across renames and moves,
 * so it may find a performance the legacy path cannot (legacy null), or a more
 * recent one. That is not a mismatch; an older or missing versioned result is,
 * and so is a different one of the same session.
 */
export function lastPerformanceAgrees(versioned: ExercisePerformanceModel | null, legacy: ExercisePerformanceModel | null): boolean {
  if (legacy === null) return true;
  if (versioned === null) return false;
  if (versioned.session.startedAt.getTime() > legacy.session.startedAt.getTime()) return true;
  return differingPaths(versioned, legacy, 1).length === 0;
}
