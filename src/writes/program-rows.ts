import type { EntityManager } from '@mikro-orm/postgresql';
import { PROGRAM_COLUMNS, programRow, type ProgramRow } from '../db/rows.js';
import { queryRows } from '../db/sql.js';
import { writeLegacyBlob } from '../domain/legacy-blob.js';
import type { ProgramContent } from '../domain/program.js';

/** Inserts a program row, not active, with `content` as its blob (the column is NOT NULL, so every phase writes this first blob). */
export async function insertProgramRow(tx: EntityManager, userId: string, program: { id: string; name: string; content: ProgramContent }): Promise<ProgramRow> {
  const [row] = await queryRows(
    tx,
    'insertProgram',
    `insert into programs as p (id, user_id, name, is_active, program_json) values (?, ?, ?, false, ?::jsonb) returning ${PROGRAM_COLUMNS}`,
    [program.id, userId, program.name, JSON.stringify(writeLegacyBlob(program.content))],
    programRow,
  );
  return row!;
}

/** What one program update stores: a null name or blob leaves that column as it is. */
export interface ProgramRowUpdate {
  readonly name: string | null;
  readonly blob: ProgramContent | null;
  readonly currentVersionId: string | null;
  /** The version the blob holds (`legacy_json_version_id`); null: the blob is newer than any version. */
  readonly blobVersionId: string | null;
  /** Whether the content changed, so `updated_at` moves. */
  readonly touch: boolean;
}

/** Blob, name and version pointers of a program, in one statement. */
export async function updateProgramRow(tx: EntityManager, id: string, update: ProgramRowUpdate): Promise<ProgramRow> {
  const [row] = await queryRows(
    tx,
    'updateProgram',
    `update programs p set name = coalesce(?, p.name), program_json = coalesce(?::jsonb, p.program_json), current_version_id = ?, legacy_json_version_id = ?,
       updated_at = case when ? then now() else p.updated_at end
     where p.id = ? returning ${PROGRAM_COLUMNS}`,
    [update.name, update.blob ? JSON.stringify(writeLegacyBlob(update.blob)) : null, update.currentVersionId, update.blobVersionId, update.touch, id],
    programRow,
  );
  return row!;
}
