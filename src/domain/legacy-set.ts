import type { BlobIssueLog } from './legacy-blob-issue.js';
import { describeZodError, showRawValue } from './legacy-blob-messages.js';
import { repSpecSchema, repsMaxSchema, restSecondsSchema, weightKgSchema } from './legacy-blob-schema.js';
import type { SetPrescription } from './program.js';

/**
 * Rest given to a set whose blob has none (compact exercises may omit it) or
 * an unreadable one. Rest is an advisory timer, so a common default is sound;
 * reps are the prescription itself, so a set without readable reps is dropped.
 */
export const DEFAULT_REST_SECONDS = 90;

/** The four values of a set, whichever form (full or compact) they came from. */
export interface RawSetFields {
  readonly reps: unknown;
  readonly repsMax: unknown;
  readonly weight: unknown;
  readonly rest: unknown;
}

/** Where each field lives in the blob, for issue paths. */
export interface SetFieldPaths {
  readonly reps: string;
  readonly repsMax: string;
  readonly weight: string;
  readonly rest: string;
}

export type LegacySetRead = { readonly ok: true; readonly set: SetPrescription } | { readonly ok: false; readonly reason: string };

/**
 * Reads one set. Only unreadable reps make the set unreadable; a bad upper
 * bound, weight or rest is dropped or defaulted with an issue, so the set
 * stays and stays within the invariants' bounds.
 */
export function readLegacySet(fields: RawSetFields, paths: SetFieldPaths, log: BlobIssueLog): LegacySetRead {
  const spec = repSpecSchema.safeParse(fields.reps);
  if (!spec.success) {
    return { ok: false, reason: `reps cannot be read (${describeZodError(spec.error)})` };
  }
  const { reps } = spec.data;
  return {
    ok: true,
    set: {
      reps,
      repsMax: readRepsMax(fields.repsMax ?? spec.data.repsMax, reps, paths.repsMax, log),
      weightKg: readWeight(fields.weight, paths.weight, log),
      restSeconds: readRest(fields.rest, paths.rest, log),
    },
  };
}

function readRepsMax(raw: unknown, reps: number, path: string, log: BlobIssueLog): number | null {
  if (raw === undefined || raw === null) return null;
  const parsed = repsMaxSchema.safeParse(raw);
  if (!parsed.success) {
    log.add(path, 'REPS_MAX_DROPPED', `repsMax ${showRawValue(raw)} cannot be read (${describeZodError(parsed.error)}); kept ${reps} reps without an upper bound`);
    return null;
  }
  if (parsed.data < reps) {
    log.add(path, 'REPS_MAX_DROPPED', `repsMax ${parsed.data} is below reps ${reps}; kept ${reps} reps without an upper bound`);
    return null;
  }
  return parsed.data;
}

function readWeight(raw: unknown, path: string, log: BlobIssueLog): number | null {
  if (raw === undefined || raw === null) return null;
  const parsed = weightKgSchema.safeParse(raw);
  if (!parsed.success) {
    log.add(path, 'WEIGHT_DROPPED', `weight ${showRawValue(raw)} cannot be read (${describeZodError(parsed.error)}); kept the set without a weight`);
    return null;
  }
  return parsed.data;
}

function readRest(raw: unknown, path: string, log: BlobIssueLog): number {
  if (raw === undefined || raw === null) {
    log.add(path, 'REST_DEFAULTED', `no rest given; used the default of ${DEFAULT_REST_SECONDS} s`);
    return DEFAULT_REST_SECONDS;
  }
  const parsed = restSecondsSchema.safeParse(raw);
  if (!parsed.success) {
    log.add(path, 'REST_DEFAULTED', `rest ${showRawValue(raw)} cannot be read (${describeZodError(parsed.error)}); used the default of ${DEFAULT_REST_SECONDS} s`);
    return DEFAULT_REST_SECONDS;
  }
  return parsed.data;
}
