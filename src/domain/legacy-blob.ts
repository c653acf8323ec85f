import { BlobIssueLog, type LegacyBlobResult } from './legacy-blob-issue.js';
import { describeZodError } from './legacy-blob-messages.js';
import { legacyBlobSchema } from './legacy-blob-schema.js';
import { LegacyIdSettler } from './legacy-id-settler.js';
import { readLegacySchedule } from './legacy-schedule.js';
import { readLegacyWorkout, type LegacyWorkoutRead } from './legacy-workout.js';
import type { ProgramContent, Workout } from './program.js';

export type { BlobIssue, BlobIssueCode, LegacyBlobResult } from './legacy-blob-issue.js';
export { DEFAULT_REST_SECONDS } from './legacy-set.js';

/**
 * Reads any `programs.program_json` ever written (docs/legacy-data.md) into program
 * content, keeping everything that can be read soundly and reporting the rest.
 * Never throws: the backfill and the legacy read path call it on every row.
 *
 * The content it returns always has unique workout ids, exercise ids unique
 * across the program, schedule entries in range with days 0–6, and sets within
 * the invariants' bounds. Names and list sizes are returned as stored, so the
 * invariants may still reject them on the next write.
 *
 * Missing or shared ids become `${programId}/w${i}` and
 * `${programId}/w${i}/e${j}`, where i and j are positions in the blob as
 * stored (dropped items included), so the ids do not move when an earlier item
 * turns out to be unreadable.
 */
export function readLegacyBlob(programId: string, blob: unknown): LegacyBlobResult {
  const log = new BlobIssueLog();
  const parsed = legacyBlobSchema.safeParse(blob);
  if (!parsed.success) {
    log.add('', 'NOT_A_PROGRAM', `blob is not a program with a list of workouts (${describeZodError(parsed.error)})`);
    return { ok: false, issues: log.issues };
  }
  const read = parsed.data.workouts.map((raw, index) => readLegacyWorkout(raw, index, log));
  const kept = read.filter((workout): workout is LegacyWorkoutRead => workout !== null);

  // Schedule indexes count the blob's workouts; this maps each to its kept position.
  let next = 0;
  const positions = read.map((workout) => (workout === null ? null : next++));

  const workouts = withSettledIds(programId, kept, log);
  const schedule = readLegacySchedule(parsed.data.schedule, positions, log);
  return { ok: true, content: { workouts, schedule }, issues: log.issues };
}

function withSettledIds(programId: string, kept: readonly LegacyWorkoutRead[], log: BlobIssueLog): Workout[] {
  const workoutIds = new LegacyIdSettler('workout', kept.map((w) => w.id), log);
  const exerciseIds = new LegacyIdSettler('exercise', kept.flatMap((w) => w.exercises.map((e) => e.id)), log);
  return kept.map((w) => {
    const path = `workouts.${w.index}`;
    const derived = `${programId}/w${w.index}`;
    return {
      id: workoutIds.settle(w.id, path, derived),
      name: w.name,
      exercises: w.exercises.map((e) => ({
        id: exerciseIds.settle(e.id, `${path}.exercises.${e.index}`, `${derived}/e${e.index}`),
        name: e.name,
        notes: e.notes,
        sets: e.sets,
      })),
    };
  });
}

/** The Phase 1 blob shape, as `writeLegacyBlob` produces it. */
export interface PhaseOneBlob {
  workouts: {
    id: string;
    name: string;
    exercises: {
      id: string;
      name: string;
      notes?: string;
      sets: { reps: number; repsMax?: number; weightKg?: number; restSeconds: number }[];
    }[];
  }[];
  schedule: { dayOfWeek: number; workoutIndex: number }[];
}

/**
 * Writes content as a Phase 1 blob (the only shape written since Phase 1),
 * leaving out optional fields that are null, as the app always has.
 * `readLegacyBlob` reads it back to the same content with no issues.
 */
export function writeLegacyBlob(content: ProgramContent): PhaseOneBlob {
  return {
    workouts: content.workouts.map((workout) => ({
      id: workout.id,
      name: workout.name,
      exercises: workout.exercises.map((exercise) => ({
        id: exercise.id,
        name: exercise.name,
        ...(exercise.notes === null ? {} : { notes: exercise.notes }),
        sets: exercise.sets.map((set) => ({
          reps: set.reps,
          ...(set.repsMax === null ? {} : { repsMax: set.repsMax }),
          ...(set.weightKg === null ? {} : { weightKg: set.weightKg }),
          restSeconds: set.restSeconds,
        })),
      })),
    })),
    schedule: content.schedule.map(({ dayOfWeek, workoutIndex }) => ({ dayOfWeek, workoutIndex })),
  };
}
