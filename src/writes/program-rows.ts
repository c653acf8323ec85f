import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { ProgramEntity, ProgramVersionEntity } from '../db/entities/index.js';
import type { ProgramRow } from '../db/rows.js';
import { writeLegacyBlob } from '../domain/legacy-blob.js';
import type { ProgramContent } from '../domain/program.js';

/**
 * A program as an entity of the write's unit of work, and as the row the rest
 * of the code reads (`blobSync`, the program model). Writes assign the
 * entity's fields and flush; MikroORM sends one statement per flushed entity.
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

/** Blob, name and version pointers of a program, in one statement (with whatever else the unit of work holds for it). */
export async function updateProgram(tx: EntityManager, program: ProgramEntity, update: ProgramUpdate): Promise<ProgramRow> {
  if (update.name !== null) program.name = update.name;
  if (update.blob !== null) program.programJson = writeLegacyBlob(update.blob);
  pointAt(tx, program, update.currentVersionId, update.blobVersionId);
  if (update.touch) program.updatedAt = raw('now()');
  await flushProgram(tx, program);
  return rowOf(program);
}

/** Sets a program's version pointers (flushed with the write's next flush). */
export function pointAt(tx: EntityManager, program: ProgramEntity, currentVersionId: string | null, blobVersionId: string | null): void {
  program.currentVersion = currentVersionId === null ? null : tx.getReference(ProgramVersionEntity, currentVersionId, { wrapped: true });
  program.legacyJsonVersion = blobVersionId === null ? null : tx.getReference(ProgramVersionEntity, blobVersionId, { wrapped: true });
}

/**
 * Flushes the write's changes, the program's update among them (always: call
 * it only when the program changes). `revision` is counted by a trigger, not
 * written: setting it to itself, a raw value, makes the update return what
 * the trigger made of it, so the model shows the program's real revision
 * without another statement.
 */
export async function flushProgram(tx: EntityManager, program: ProgramEntity): Promise<void> {
  program.revision = raw('revision');
  await tx.flush();
}
