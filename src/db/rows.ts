import { z } from 'zod';

/** Schemas of the rows the SQL in this project selects (snake_case, as PostgreSQL returns them). */
// The likelier shape first: a union builds an issue for every option that fails, on every value.
/** `numeric` arrives as text, `float8` and JSON numbers as numbers. */
const numeric = z.union([z.string(), z.number()]).transform(Number);
/** MikroORM's pg setup returns timestamptz as text; plain `pg` returns Dates. Accept both. */
export const timestamp = z.union([z.string(), z.date()]).transform((v) => new Date(v));

export const programRow = z.object({
  id: z.string(),
  user_id: z.string(),
  name: z.string(),
  is_active: z.boolean(),
  program_json: z.unknown(),
  updated_at: timestamp,
  deleted_at: timestamp.nullable(),
  current_version_id: z.string().nullable(),
  legacy_json_version_id: z.string().nullable(),
  /** Counted by the database on every change (Migration0007ProgramRevision). */
  revision: z.number().int(),
});
export type ProgramRow = z.output<typeof programRow>;

export const sessionRow = z.object({
  id: z.string(),
  user_id: z.string(),
  program_id: z.string().nullable(),
  workout_id: z.string().nullable(),
  workout_name_snapshot: z.string().nullable(),
  started_at: timestamp,
  completed_at: timestamp.nullable(),
  program_version_id: z.string().nullable(),
  workout_version_id: z.string().nullable(),
});
export type SessionRow = z.output<typeof sessionRow>;

export const setRow = z.object({
  id: z.string(),
  session_id: z.string(),
  exercise_id: z.string().nullable(),
  exercise_name: z.string(),
  set_number: z.number().int(),
  reps: z.number().int().nullable(),
  weight_kg: numeric.nullable(),
  rpe: numeric.nullable(),
  completed_at: timestamp.nullable(),
});
export type SetRow = z.output<typeof setRow>;

export const PROGRAM_COLUMNS =
  'p.id, p.user_id, p.name, p.is_active, p.program_json, p.updated_at, p.deleted_at, p.current_version_id, p.legacy_json_version_id, p.revision';
/**
 * PROGRAM_COLUMNS for a reader that takes content from versions: the blob only
 * where no version holds the content yet (not backfilled). A blob is parsed by
 * the driver whether used or not — a 50-program `_entities` read spent most of
 * its time on blobs it threw away.
 */
export const PROGRAM_COLUMNS_UNLESS_VERSIONED = PROGRAM_COLUMNS.replace(
  'p.program_json',
  'case when p.current_version_id is null then p.program_json end as program_json',
);
/** Which blobs a program read returns: every one, or only those no version replaces. */
export type BlobColumns = 'all' | 'unversioned';
export const programColumns = (blobs: BlobColumns): string => (blobs === 'all' ? PROGRAM_COLUMNS : PROGRAM_COLUMNS_UNLESS_VERSIONED);

export const SESSION_COLUMNS =
  's.id, s.user_id, s.program_id, s.workout_id, s.workout_name_snapshot, s.started_at, s.completed_at, s.program_version_id, s.workout_version_id';
export const SET_COLUMNS = 'st.id, st.session_id, st.exercise_id, st.exercise_name, st.set_number, st.reps, st.weight_kg, st.rpe, st.completed_at';
