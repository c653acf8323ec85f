import type { EntityManager, Ref } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ProgramEntity, ProgramVersionEntity } from '../db/entities/index.js';
import { timestamp, type ProgramRow } from '../db/rows.js';
import { queryRows } from '../db/sql.js';
import { writeLegacyBlob } from '../domain/legacy-blob.js';
import type { ProgramContent } from '../domain/program.js';

/**
 * A program as an entity of the write's unit of work, and as the row the rest
 * of the code reads (`blobSync`, the program model). A new program is
 * inserted by the unit of work; a change to one is written by `writeProgram`,
 * which names the user.
 */

/** The entity as a row: the shape the program model and the blob/version bookkeeping read. */
export function rowOf(program: ProgramEntity): ProgramRow {
  return {
    id: program.id,
    user_id: program.userId,
    name: program.name,
    is_active: program.isActive,
    program_json: program.programJson,
    updated_at: program.updatedAt,
    deleted_at: program.deletedAt,
    current_version_id: program.currentVersion?.id ?? null,
    legacy_json_version_id: program.legacyJsonVersion?.id ?? null,
    revision: program.revision,
  };
}

/** A new program, not active, with `content` as its blob (the column is NOT NULL, so every phase writes this first blob). */
export async function insertProgram(tx: EntityManager, userId: string, program: { id: string; name: string; content: ProgramContent }): Promise<ProgramEntity> {
  const created = tx.create(ProgramEntity, {
    id: program.id,
    userId,
    name: program.name,
    programJson: writeLegacyBlob(program.content),
    deletedAt: null,
    currentVersion: null,
    legacyJsonVersion: null,
  });
  // Now: the version rows written next reference it. The insert returns the columns the database fills.
  await tx.flush();
  return created;
}

/** What one program update stores: a null name or blob leaves that column as it is. */
export interface ProgramUpdate {
  readonly name: string | null;
  readonly blob: ProgramContent | null;
  readonly currentVersionId: string | null;
  /** The version the blob holds (`legacy_json_version_id`); null: the blob is newer than any version. */
  readonly blobVersionId: string | null;
  /** Whether the content changed, so `updated_at` moves. */
  readonly touch: boolean;
}

/** Blob, name and version pointers of a program, in one statement. */
export async function updateProgram(tx: EntityManager, program: ProgramEntity, update: ProgramUpdate): Promise<ProgramRow> {
  await writeProgram(tx, program, {
    ...(update.name !== null ? { name: update.name } : {}),
    ...(update.blob !== null ? { programJson: writeLegacyBlob(update.blob) } : {}),
    currentVersion: update.currentVersionId,
    legacyJsonVersion: update.blobVersionId,
    touch: update.touch,
  });
  return rowOf(program);
}

/** The columns a write of a program may change; version pointers by id. `touch`: `updated_at` moves to now. */
export interface ProgramChanges {
  readonly name?: string;
  readonly programJson?: unknown;
  readonly isActive?: boolean;
  readonly currentVersion?: string | null;
  readonly legacyJsonVersion?: string | null;
  readonly touch: boolean;
}

/** Each column a write may change, and how its value is bound. */
const PROGRAM_COLUMNS = {
  name: 'name = ?',
  programJson: 'program_json = ?::jsonb',
  isActive: 'is_active = ?',
  currentVersion: 'current_version_id = ?::uuid',
  legacyJsonVersion: 'legacy_json_version_id = ?::uuid',
} as const satisfies Record<keyof Omit<ProgramChanges, 'touch'>, string>;

const writtenProgram = z.object({ revision: z.number().int(), updated_at: timestamp });

/**
 * Writes `changes` to the caller's (locked) program in one statement that
 * names the user (`where id = … and user_id = …`), so that with the tables
 * distributed by `user_id` it runs on the user's shard alone. MikroORM's
 * flush would update the entity by its primary key only, and its query
 * builder inlines every value into the SQL text — the whole blob escaped
 * character by character on every edit — so the statement is ours, with
 * bound parameters, in the write's transaction. `revision` (counted by a
 * trigger) and `updated_at` come back from the same statement. The entity
 * then holds what was written. A locked program is not managed by the unit
 * of work (`lockProgram`); a program this write inserted is, and is merged
 * again (`em.merge(…, { refresh: true })` takes a new snapshot), so the unit
 * of work has nothing of it left to flush.
 */
export async function writeProgram(tx: EntityManager, program: ProgramEntity, changes: ProgramChanges): Promise<void> {
  const assignments: string[] = [];
  const values: unknown[] = [];
  for (const [column, assignment] of Object.entries(PROGRAM_COLUMNS) as [keyof typeof PROGRAM_COLUMNS, string][]) {
    const value = changes[column];
    if (value === undefined) continue;
    assignments.push(assignment);
    values.push(column === 'programJson' ? JSON.stringify(value) : value);
  }
  if (changes.touch) assignments.push('updated_at = now()');
  if (assignments.length === 0) throw new Error(`program ${program.id}: a write with nothing to write`);
  const [written] = await queryRows(
    tx,
    'writeProgram',
    `update programs set ${assignments.join(', ')} where id = ? and user_id = ? returning revision, updated_at`,
    [...values, program.id, program.userId],
    writtenProgram,
  );
  // The row is locked by this transaction: it cannot have gone.
  if (!written) throw new Error(`program ${program.id} of user ${program.userId} was not updated`);
  const { touch: _touch, ...columns } = changes;
  if (columns.name !== undefined) program.name = columns.name;
  if (columns.programJson !== undefined) program.programJson = columns.programJson;
  if (columns.isActive !== undefined) program.isActive = columns.isActive;
  if (columns.currentVersion !== undefined) program.currentVersion = versionRef(tx, columns.currentVersion);
  if (columns.legacyJsonVersion !== undefined) program.legacyJsonVersion = versionRef(tx, columns.legacyJsonVersion);
  program.revision = written.revision;
  program.updatedAt = written.updated_at;
  // A program the unit of work manages (one this write inserted) takes a new snapshot: nothing of it is left to flush.
  if (tx.getUnitOfWork().getById(ProgramEntity.meta.className, program.id) === program) tx.merge(program, { refresh: true });
}

function versionRef(tx: EntityManager, id: string | null): Ref<ProgramVersionEntity> | null {
  return id === null ? null : tx.getReference(ProgramVersionEntity, id, { wrapped: true });
}
