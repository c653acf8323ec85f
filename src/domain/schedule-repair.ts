import type { ProgramContent } from './program.js';

export type RemoveWorkoutResult =
  | { readonly ok: true; readonly content: ProgramContent }
  | { readonly ok: false; readonly reason: 'WORKOUT_NOT_FOUND' };

/**
 * Removes a workout and repairs the schedule around it. Schedule entries
 * point at workouts by position, so deleting a workout used to leave later
 * entries pointing at the workout after the one they meant (the legacy bug this
 * product fixes): entries for the removed workout go, entries for later
 * workouts move down one, and every remaining entry names the same workout.
 */
export function removeWorkout(content: ProgramContent, workoutId: string): RemoveWorkoutResult {
  const removed = content.workouts.findIndex((workout) => workout.id === workoutId);
  if (removed === -1) return { ok: false, reason: 'WORKOUT_NOT_FOUND' };
  return {
    ok: true,
    content: {
      workouts: content.workouts.filter((_, index) => index !== removed),
      schedule: content.schedule
        .filter((entry) => entry.workoutIndex !== removed)
        .map((entry) => (entry.workoutIndex > removed ? { ...entry, workoutIndex: entry.workoutIndex - 1 } : entry)),
    },
  };
}
