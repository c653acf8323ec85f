import { differingPaths } from '../../domain/differing-paths.js';
import type { ExercisePerformanceModel } from '../models.js';

export type ShadowOperation = 'program' | 'programs' | 'activeProgram' | 'session' | 'sessions' | 'lastPerformance' | 'calendar';

/**
 * Compares a versioned read (primary) with the legacy read of the same thing.
 * Returns the differing paths; empty means they match. Explicit rules for what
 * only one side can know:
 * - `lastPerformance`: the versioned path follows an exercise's stable id
 *   across renames and moves, so it may find a performance the legacy path
 *   cannot (legacy null), or a more recent one. That is not a mismatch; an
 *   older or missing versioned result is.
 * - everything else must be equal field for field (dates by instant).
 */
export function compareShadow(operation: ShadowOperation, versioned: unknown, legacy: unknown): string[] {
  if (operation === 'lastPerformance') {
    const v = versioned as ExercisePerformanceModel | null;
    const l = legacy as ExercisePerformanceModel | null;
    if (l === null) return [];
    if (v === null) return ['(root)'];
    if (v.session.startedAt.getTime() > l.session.startedAt.getTime()) return [];
  }
  return differingPaths(versioned, legacy);
}
