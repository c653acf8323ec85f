import { randomUUID } from 'node:crypto';
import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProgramVersionEntity } from '../db/entities/index.js';
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

/**
 * The parts of a row of the tree query: a version, one of its workouts (or
 * none), one exercise of that workout (or none), one schedule entry of that
 * workout (or none). Each part is parsed the first time it is seen.
 */
const versionPart = z.object({
  id: z.string(),
  program_id: z.string(),
  user_id: z.string(),
  version_number: z.number().int(),
  parent_version_id: z.string().nullable(),
  source: z.enum(['USER', 'AI', 'BACKFILL', 'REVERT']),
  name: z.string(),
  content_hash: z.string(),
  created_at: timestamp,
});
const workoutPart = z.object({ w__id: z.string(), w__workout_id: z.string(), w__name: z.string() });
const exercisePart = z.object({ e__id: z.string(), e__exercise_id: z.string(), e__name: z.string(), e__notes: z.string().nullable(), e__sets: z.array(setSchema) });
const schedulePart = z.object({ s__position: z.number().int(), s__day_of_week: z.number().int() });

/**
 * Whole version trees by version id, through the entities' query builder, for
 * one user (`null`: any user — operator commands only), in ONE statement
 * whatever the number of versions, workouts and exercises.
 *
 * The rows come back as plain rows and are mapped here: hydrating them into
 * managed entities (em.find with populate) costs MikroORM tens of µs per
 * entity, far more than the query (50 versions of 4 workouts × 6 exercises
 * and 7 days: ~1 s joined, ~0.12 s with one statement per table, ~0.03 s for
 * the plain rows).
 *
 * Joining two collections multiplies them; so the schedule is joined to its
 * own workout (the composite foreign key keeps it in the same version) and
 * only on the workout's first exercise (or on the workout alone when it has
 * none): a version costs about (exercises + schedule entries) rows, not
 * exercises × schedule entries. Every joined table is joined on `user_id`
 * too, so the statement names the user on each table it reads.
 */
export async function selectVersionTrees(em: EntityManager, userId: string | null, versionIds: readonly string[]): Promise<VersionTree[]> {
  if (versionIds.length === 0) return [];
  const firstExercise = sql`(select coalesce(min(f.position), 0) from program_version_exercises f where f.program_version_workout_id = w.id and f.user_id = w.user_id)`;
  const rows = await em
    .createQueryBuilder(ProgramVersionEntity, 'v')
    .select(['id', 'program', 'userId', 'versionNumber', 'parentVersion', 'source', 'name', 'contentHash', 'createdAt'])
    .leftJoinAndSelect('v.workouts', 'w', { 'w.userId': sql.ref('v.user_id') }, ['id', 'workoutId', 'name'])
    .leftJoinAndSelect('w.exercises', 'e', { 'e.userId': sql.ref('w.user_id') }, ['id', 'exerciseId', 'name', 'notes', 'sets'])
    .leftJoinAndSelect('v.schedule', 's', { 's.userId': sql.ref('w.user_id'), 's.workout': sql.ref('w.id'), [sql`coalesce(e.position, 0)`]: firstExercise }, [
      'position',
      'dayOfWeek',
    ])
    .where(userId === null ? { id: { $in: [...versionIds] } } : { id: { $in: [...versionIds] }, userId })
    .orderBy({ 'w.position': 'asc', 'e.position': 'asc', 's.position': 'asc' })
    .comment('selectVersionTrees')
    .execute<Record<string, unknown>[]>('all', false)
    // As MikroORM's own finds do: what the driver underneath threw becomes a MikroORM exception (no free connection: a DriverException without SQLSTATE).
    .catch((error: unknown) => {
      throw error instanceof Error ? em.getDriver().convertException(error) : error;
    });
  return toTrees(rows);
}

type Exercise = ProgramContent['workouts'][number]['exercises'][number] & { rowId: string };

interface TreeParts {
  version: z.output<typeof versionPart>;
  /** By row id, in position order. */
  workouts: Map<string, { id: string; name: string; exercises: Map<string, Exercise> }>;
  /** By position. */
  schedule: Map<number, { dayOfWeek: number; workoutRowId: string }>;
}

function toTrees(rows: readonly Record<string, unknown>[]): VersionTree[] {
  const versions = new Map<unknown, TreeParts>();
  for (const row of rows) {
    let parts = versions.get(row.id);
    if (!parts) versions.set(row.id, (parts = { version: versionPart.parse(row), workouts: new Map(), schedule: new Map() }));
    if (row.w__id === null) continue;
    let workout = parts.workouts.get(row.w__id as string);
    if (!workout) {
      const w = workoutPart.parse(row);
      parts.workouts.set(w.w__id, (workout = { id: w.w__workout_id, name: w.w__name, exercises: new Map() }));
    }
    if (row.e__id !== null && !workout.exercises.has(row.e__id as string)) {
      const e = exercisePart.parse(row);
      workout.exercises.set(e.e__id, { rowId: e.e__id, id: e.e__exercise_id, name: e.e__name, notes: e.e__notes, sets: e.e__sets });
    }
    if (row.s__position !== null) {
      const s = schedulePart.parse(row);
      parts.schedule.set(s.s__position, { dayOfWeek: s.s__day_of_week, workoutRowId: row.w__id as string });
    }
  }
  return [...versions.values()].map(toTree);
}

function toTree({ version: v, workouts: workoutsByRow, schedule: scheduleByPosition }: TreeParts): VersionTree {
  const workouts = [...workoutsByRow.entries()].map(([rowId, w]) => ({ rowId, id: w.id, name: w.name, exercises: [...w.exercises.values()] }));
  const positionOfRow = new Map(workouts.map((w, i) => [w.rowId, i]));
  const content: ProgramContent = {
    workouts: workouts.map((w) => ({ id: w.id, name: w.name, exercises: w.exercises.map((e) => ({ id: e.id, name: e.name, notes: e.notes, sets: e.sets })) })),
    schedule: [...scheduleByPosition.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, s]) => ({ dayOfWeek: s.dayOfWeek, workoutIndex: positionOfRow.get(s.workoutRowId)! })),
  };
  return {
    id: v.id,
    programId: v.program_id,
    userId: v.user_id,
    number: v.version_number,
    parentId: v.parent_version_id,
    source: v.source,
    name: v.name,
    contentHash: v.content_hash,
    createdAt: v.created_at,
    content,
    workoutRowIds: new Map(workouts.map((w) => [w.id, w.rowId])),
    exerciseRowIds: new Map(workouts.flatMap((w) => w.exercises.map((e) => [e.id, e.rowId] as const))),
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
