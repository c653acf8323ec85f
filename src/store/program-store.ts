import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { pgArray } from '../db/pg-array.js';
import { queryRows } from '../db/sql.js';
import { programColumns, programRow, type BlobColumns, type ProgramRow } from '../db/rows.js';

/** SQL over the legacy `programs` table, always scoped to one user. */

/** Programs by id; soft-deleted ones only when asked (history of a deleted program still needs its blob). */
export async function selectProgramsByIds(
  em: EntityManager,
  userId: string,
  ids: readonly string[],
  options: { includeDeleted: boolean; forUpdate?: boolean; blobs?: BlobColumns },
): Promise<ProgramRow[]> {
  const deleted = options.includeDeleted ? '' : 'and p.deleted_at is null';
  const lock = options.forUpdate ? 'for update' : '';
  return queryRows(
    em,
    'selectProgramsByIds',
    `select ${programColumns(options.blobs ?? 'all')} from programs p where p.user_id = ? and p.id = any(?::uuid[]) ${deleted} ${lock}`,
    [userId, pgArray(ids)],
    programRow,
    { prepare: true },
  );
}

/** The user's first `limit` programs that are not deleted, oldest first. */
export async function selectProgramsOfUser(em: EntityManager, userId: string, limit: number, blobs: BlobColumns = 'all'): Promise<ProgramRow[]> {
  return queryRows(
    em,
    'selectProgramsOfUser',
    `select ${programColumns(blobs)} from programs p where p.user_id = ? and p.deleted_at is null order by p.created_at, p.id limit ?`,
    [userId, limit],
    programRow,
    { prepare: true },
  );
}

/**
 * The caller's active program, with the caller's history watermark
 * (Migration0010HistoryWatermarks; '0' before any completed session) read in
 * the same statement: a last performance cached under that watermark is what
 * the primary holds now.
 */
export async function selectActiveProgram(em: EntityManager, userId: string, blobs: BlobColumns = 'all'): Promise<ActiveProgramRow | null> {
  const rows = await queryRows(
    em,
    'selectActiveProgram',
    `select ${programColumns(blobs)}, coalesce((select h.watermark from history_watermarks h where h.user_id = ?), 0)::text as history_watermark
     from programs p where p.user_id = ? and p.is_active and p.deleted_at is null`,
    [userId, userId],
    activeProgramRow,
    { prepare: true },
  );
  return rows[0] ?? null;
}

const activeProgramRow = programRow.extend({ history_watermark: z.string() });
export type ActiveProgramRow = z.output<typeof activeProgramRow>;
