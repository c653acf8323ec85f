import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { pgArray } from '../db/pg-array.js';
import { timestamp } from '../db/rows.js';
import { queryRows } from '../db/sql.js';
import type { ProgramContent, SetPrescription } from '../domain/program.js';
import type { NewVersion, VersionTree } from './version-tree.js';

export type { NewVersion } from './version-tree.js';

/**
 * Writes whole versions — headers, workouts, exercises, schedules — in ONE
 * statement whatever their number (data-modifying CTEs over JSON recordsets;
 * foreign keys are checked at its end). Row ids are made here so rows can
 * reference each other without round trips. The caller points programs at them.
 */
export async function insertVersions(tx: EntityManager, versions: readonly NewVersion[]): Promise<VersionTree[]> {
  if (versions.length === 0) return [];
  const trees = versions.map((version) => ({
    version,
    id: randomUUID(),
    workoutRowIds: new Map(version.content.workouts.map((w) => [w.id, randomUUID()])),
    exerciseRowIds: new Map(version.content.workouts.flatMap((w) => w.exercises.map((e) => [e.id, randomUUID()] as const))),
  }));
  const headers = trees.map(({ version: v, id }) => ({
    id,
    program_id: v.programId,
    user_id: v.userId,
    version_number: v.number,
    parent_version_id: v.parentId,
    source: v.source,
    name: v.name,
    content_hash: v.contentHash,
  }));
  const workouts = trees.flatMap(({ version: v, id, workoutRowIds }) =>
    v.content.workouts.map((w, position) => ({ id: workoutRowIds.get(w.id), version_id: id, user_id: v.userId, workout_id: w.id, position, name: w.name })),
  );
  const exercises = trees.flatMap(({ version: v, id, workoutRowIds, exerciseRowIds }) =>
    v.content.workouts.flatMap((w) =>
      w.exercises.map((e, position) => ({
        id: exerciseRowIds.get(e.id),
        version_id: id,
        workout_row_id: workoutRowIds.get(w.id),
        user_id: v.userId,
        exercise_id: e.id,
        position,
        name: e.name,
        notes: e.notes,
        sets: e.sets,
      })),
    ),
  );
  const schedule = trees.flatMap(({ version: v, id, workoutRowIds }) =>
    v.content.schedule.map((s, position) => ({
      version_id: id,
      user_id: v.userId,
      position,
      day_of_week: s.dayOfWeek,
      workout_row_id: workoutRowIds.get(v.content.workouts[s.workoutIndex]!.id),
    })),
  );
  const rows = await queryRows(
    tx,
    'insertVersions',
    `with v as (
       insert into program_versions (id, program_id, user_id, version_number, parent_version_id, source, name, content_hash)
       select r.id, r.program_id, r.user_id, r.version_number, r.parent_version_id, r.source, r.name, r.content_hash
       from jsonb_to_recordset(?::jsonb) as r(id uuid, program_id uuid, user_id uuid, version_number int, parent_version_id uuid, source text, name text, content_hash text)
       returning id, created_at
     ), w as (
       insert into program_version_workouts (id, program_version_id, user_id, workout_id, position, name)
       select r.id, r.version_id, r.user_id, r.workout_id, r.position, r.name
       from jsonb_to_recordset(?::jsonb) as r(id uuid, version_id uuid, user_id uuid, workout_id text, position int, name text) returning 1
     ), e as (
       insert into program_version_exercises (id, program_version_id, program_version_workout_id, user_id, exercise_id, position, name, notes, sets)
       select r.id, r.version_id, r.workout_row_id, r.user_id, r.exercise_id, r.position, r.name, r.notes, r.sets
       from jsonb_to_recordset(?::jsonb) as r(id uuid, version_id uuid, workout_row_id uuid, user_id uuid, exercise_id text, position int, name text, notes text, sets jsonb)
       returning 1
     ), s as (
       insert into program_version_schedule (program_version_id, user_id, position, day_of_week, program_version_workout_id)
       select r.version_id, r.user_id, r.position, r.day_of_week, r.workout_row_id
       from jsonb_to_recordset(?::jsonb) as r(version_id uuid, user_id uuid, position int, day_of_week smallint, workout_row_id uuid) returning 1
     )
     select v.id, v.created_at, (select count(*) from w) + (select count(*) from e) + (select count(*) from s) as written from v`,
    [JSON.stringify(headers), JSON.stringify(workouts), JSON.stringify(exercises), JSON.stringify(schedule)],
    z.object({ id: z.string(), created_at: timestamp, written: z.coerce.number() }),
  );
  const createdAt = new Map(rows.map((r) => [r.id, r.created_at]));
  return trees.map(({ version, id, workoutRowIds, exerciseRowIds }) => ({ ...version, id, createdAt: createdAt.get(id)!, workoutRowIds, exerciseRowIds }));
}

export async function insertVersion(tx: EntityManager, version: NewVersion): Promise<VersionTree> {
  const [tree] = await insertVersions(tx, [version]);
  return tree!;
}

const setSchema = z.object({
  reps: z.number(),
  repsMax: z.number().nullable(),
  weightKg: z.number().nullable(),
  restSeconds: z.number(),
}) satisfies z.ZodType<SetPrescription>;

const treeRow = z.object({
  id: z.string(),
  program_id: z.string(),
  user_id: z.string(),
  version_number: z.number().int(),
  parent_version_id: z.string().nullable(),
  source: z.enum(['USER', 'AI', 'BACKFILL', 'REVERT']),
  name: z.string(),
  content_hash: z.string(),
  created_at: timestamp,
  workouts: z.array(
    z.object({
      rowId: z.string(),
      id: z.string(),
      name: z.string(),
      exercises: z.array(
        z.object({ rowId: z.string(), id: z.string(), name: z.string(), notes: z.string().nullable(), sets: z.array(setSchema) }),
      ),
    }),
  ),
  schedule: z.array(z.object({ dayOfWeek: z.number().int(), workoutRowId: z.string() })),
});

/** Whole version trees by version id, in ONE statement, for one user (`null`: any user — operator commands only). */
export async function selectVersionTrees(em: EntityManager, userId: string | null, versionIds: readonly string[]): Promise<VersionTree[]> {
  const rows = await queryRows(
    em,
    'selectVersionTrees',
    `select v.id, v.program_id, v.user_id, v.version_number, v.parent_version_id, v.source, v.name, v.content_hash, v.created_at,
       coalesce((
         select jsonb_agg(jsonb_build_object('rowId', w.id, 'id', w.workout_id, 'name', w.name, 'exercises', coalesce((
             select jsonb_agg(jsonb_build_object('rowId', e.id, 'id', e.exercise_id, 'name', e.name, 'notes', e.notes, 'sets', e.sets) order by e.position)
             from program_version_exercises e where e.program_version_workout_id = w.id), '[]'::jsonb)) order by w.position)
         from program_version_workouts w where w.program_version_id = v.id), '[]'::jsonb) as workouts,
       coalesce((
         select jsonb_agg(jsonb_build_object('dayOfWeek', s.day_of_week, 'workoutRowId', s.program_version_workout_id) order by s.position)
         from program_version_schedule s where s.program_version_id = v.id), '[]'::jsonb) as schedule
     from program_versions v where (?::uuid is null or v.user_id = ?::uuid) and v.id = any(?::uuid[])`,
    [userId, userId, pgArray(versionIds)],
    treeRow,
    { prepare: true },
  );
  return rows.map(toTree);
}

function toTree(row: z.output<typeof treeRow>): VersionTree {
  const positionOfRow = new Map(row.workouts.map((w, i) => [w.rowId, i]));
  const content: ProgramContent = {
    workouts: row.workouts.map((w) => ({ id: w.id, name: w.name, exercises: w.exercises.map((e) => ({ id: e.id, name: e.name, notes: e.notes, sets: e.sets })) })),
    schedule: row.schedule.map((s) => ({ dayOfWeek: s.dayOfWeek, workoutIndex: positionOfRow.get(s.workoutRowId)! })),
  };
  return {
    id: row.id,
    programId: row.program_id,
    userId: row.user_id,
    number: row.version_number,
    parentId: row.parent_version_id,
    source: row.source,
    name: row.name,
    contentHash: row.content_hash,
    createdAt: row.created_at,
    content,
    workoutRowIds: new Map(row.workouts.map((w) => [w.id, w.rowId])),
    exerciseRowIds: new Map(row.workouts.flatMap((w) => w.exercises.map((e) => [e.id, e.rowId] as const))),
  };
}

const headerRow = z.object({ id: z.string(), version_number: z.number().int() });

/**
 * The ids of each program's `limit` most recent versions, most recent first,
 * keyed by program. A program edited thousands of times costs `limit` rows:
 * each program's newest versions come off the (program, number) unique index backwards.
 */
export async function selectVersionIdsOfPrograms(
  em: EntityManager,
  userId: string,
  programIds: readonly string[],
  limit: number,
): Promise<Map<string, string[]>> {
  const rows = await queryRows(
    em,
    'selectVersionIdsOfPrograms',
    `select v.program_id, v.id, v.version_number
     from unnest(?::uuid[]) as p(id)
     cross join lateral (
       select v.program_id, v.id, v.version_number from program_versions v
       where v.program_id = p.id and v.user_id = ? order by v.version_number desc limit ?
     ) v`,
    [pgArray(programIds), userId, limit],
    headerRow.extend({ program_id: z.string() }),
  );
  const result = new Map<string, string[]>(programIds.map((id) => [id, []]));
  for (const r of rows) result.get(r.program_id)?.push(r.id);
  return result;
}

/** The id of a program's version by number, or null. */
export async function selectVersionIdByNumber(em: EntityManager, programId: string, number: number): Promise<string | null> {
  const rows = await queryRows(
    em,
    'selectVersionIdByNumber',
    'select v.id, v.version_number from program_versions v where v.program_id = ? and v.version_number = ?',
    [programId, number],
    headerRow,
    { prepare: true },
  );
  return rows[0]?.id ?? null;
}
