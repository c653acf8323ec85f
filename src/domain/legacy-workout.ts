import type { BlobIssueLog } from './legacy-blob-issue.js';
import { describeZodError } from './legacy-blob-messages.js';
import { legacyWorkoutSchema } from './legacy-blob-schema.js';
import { readLegacyExercise, type LegacyExerciseRead } from './legacy-exercise.js';

/** A workout as read, before ids are settled program-wide. */
export interface LegacyWorkoutRead {
  /** Position in the blob's `workouts`: ids are derived from it and schedule indexes refer to it. */
  readonly index: number;
  readonly id: string | undefined;
  readonly name: string;
  readonly exercises: readonly LegacyExerciseRead[];
}

export function readLegacyWorkout(raw: unknown, index: number, log: BlobIssueLog): LegacyWorkoutRead | null {
  const path = `workouts.${index}`;
  const parsed = legacyWorkoutSchema.safeParse(raw);
  if (!parsed.success) {
    log.add(path, 'WORKOUT_UNREADABLE', `workout cannot be read (${describeZodError(parsed.error)}); dropped with its schedule entries`);
    return null;
  }
  const { id, name, exercises } = parsed.data;
  if (exercises === undefined || exercises === null) {
    // Keeping the workout (empty) keeps its schedule entries and the sessions
    // logged against it; dropping it would lose both for want of a list.
    log.add(`${path}.exercises`, 'EXERCISES_MISSING', `workout "${name}" has no exercise list; kept with no exercises`);
  }
  const read = (exercises ?? []).flatMap((rawExercise, exerciseIndex) => {
    const exercise = readLegacyExercise(rawExercise, exerciseIndex, `${path}.exercises.${exerciseIndex}`, log);
    return exercise === null ? [] : [exercise];
  });
  return { index, id, name, exercises: read };
}
