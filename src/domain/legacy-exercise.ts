import type { BlobIssueLog } from './legacy-blob-issue.js';
import { describeZodError, showRawValue } from './legacy-blob-messages.js';
import {
  compactExerciseSchema,
  fullSetsSchema,
  legacyExerciseHeadSchema,
  legacyNotesSchema,
  legacySetSchema,
} from './legacy-blob-schema.js';
import { readLegacySet } from './legacy-set.js';
import type { SetPrescription } from './program.js';

/** An exercise as read, before ids are settled program-wide. */
export interface LegacyExerciseRead {
  /** Position in the blob's `exercises`, used to derive an id when needed. */
  readonly index: number;
  readonly id: string | undefined;
  readonly name: string;
  readonly notes: string | null;
  readonly sets: readonly SetPrescription[];
}

/** Reads one exercise in the Phase 1 form (`sets` an array) or the compact form (`sets` a count). */
export function readLegacyExercise(raw: unknown, index: number, path: string, log: BlobIssueLog): LegacyExerciseRead | null {
  const head = legacyExerciseHeadSchema.safeParse(raw);
  if (!head.success) {
    log.add(path, 'EXERCISE_UNREADABLE', `exercise cannot be read (${describeZodError(head.error)}); dropped`);
    return null;
  }
  const sets = readSets(raw, head.data.sets, path, log);
  if (sets === null) return null;
  if (sets.length === 0) {
    log.add(path, 'EXERCISE_WITHOUT_SETS', `exercise "${head.data.name}" has no readable set; dropped`);
    return null;
  }
  return { index, id: head.data.id, name: head.data.name, notes: readNotes(head.data.notes, `${path}.notes`, log), sets };
}

/** null when the exercise as a whole is unreadable (the issue is logged here). */
function readSets(raw: unknown, rawSets: unknown, path: string, log: BlobIssueLog): SetPrescription[] | null {
  const full = fullSetsSchema.safeParse(rawSets);
  if (full.success) {
    return full.data.flatMap((rawSet, setIndex) => {
      const set = readFullSet(rawSet, `${path}.sets.${setIndex}`, log);
      return set === null ? [] : [set];
    });
  }
  const compact = compactExerciseSchema.safeParse(raw);
  if (!compact.success) {
    log.add(path, 'EXERCISE_UNREADABLE', `sets ${showRawValue(rawSets)} is neither a list of sets nor a set count (${describeZodError(compact.error)}); dropped`);
    return null;
  }
  const { sets: count, reps, repsMax, weight, rest } = compact.data;
  if (count === 0) return [];
  const paths = { reps: `${path}.reps`, repsMax: `${path}.repsMax`, weight: `${path}.weight`, rest: `${path}.rest` };
  const template = readLegacySet({ reps, repsMax, weight, rest }, paths, log);
  if (!template.ok) {
    log.add(path, 'EXERCISE_UNREADABLE', `compact exercise: ${template.reason}; dropped`);
    return null;
  }
  return Array.from({ length: count }, () => template.set);
}

function readFullSet(raw: unknown, path: string, log: BlobIssueLog): SetPrescription | null {
  const parsed = legacySetSchema.safeParse(raw);
  if (!parsed.success) {
    log.add(path, 'SET_UNREADABLE', `set cannot be read (${describeZodError(parsed.error)}); dropped`);
    return null;
  }
  const { reps, repsMax, weightKg, restSeconds } = parsed.data;
  const paths = { reps: `${path}.reps`, repsMax: `${path}.repsMax`, weight: `${path}.weightKg`, rest: `${path}.restSeconds` };
  const read = readLegacySet({ reps, repsMax, weight: weightKg, rest: restSeconds }, paths, log);
  if (!read.ok) {
    log.add(path, 'SET_UNREADABLE', `set: ${read.reason}; dropped`);
    return null;
  }
  return read.set;
}

function readNotes(raw: unknown, path: string, log: BlobIssueLog): string | null {
  const parsed = legacyNotesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  log.add(path, 'NOTES_DROPPED', `notes ${showRawValue(raw)} are not text; dropped`);
  return null;
}
