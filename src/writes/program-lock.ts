import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ProgramEntity } from '../db/entities/index.js';
import type { ProgramRow } from '../db/rows.js';
import { queryRows } from '../db/sql.js';
import type { ProgramContent } from '../domain/program.js';
import { contentOfRow } from '../store/program-content.js';
import { blobSync } from '../store/blob-sync.js';
import { createVersionTreeLoader, requireTree } from '../store/version-tree-loader.js';
import { rowOf } from './program-rows.js';
import type { ProgramState } from './program-state.js';

/** A program locked for the rest of the transaction, with its current version's number and hash. */
export interface LockedProgram {
  /** The entity the write changes, through `writeProgram` (not managed by the write's unit of work). */
  readonly program: ProgramEntity;
  /** The program as it was when locked: what the write compares against. */
  readonly row: ProgramRow;
  /** 0 when the program has no version yet (or its version was not asked for). */
  readonly currentNumber: number;
  readonly currentHash: string | null;
}

const versionHead = z.object({ version_number: z.number().int(), content_hash: z.string() });

/**
 * Locks the caller's live program row (`for update`): every write of one
 * program runs one after the other, so version numbers never collide and no
 * edit is lost. The current version's number and hash are read by a second
 * statement on purpose: after waiting for the lock, only a new statement sees
 * the version the previous writer committed (a join in the locking statement
 * would see the old snapshot's).
 */
export async function lockProgram(tx: EntityManager, userId: string, id: string, options: { withVersion: boolean }): Promise<LockedProgram | null> {
  // Not kept in the unit of work: every change to it is written by `writeProgram`, so a flush has nothing to
  // compare it with (the whole blob, deeply, at every commit) and nothing to write.
  const program = await tx.findOne(ProgramEntity, { id, userId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true });
  if (!program) return null;
  const row = rowOf(program);
  if (!row.current_version_id || !options.withVersion) return { program, row, currentNumber: 0, currentHash: null };
  const [head] = await queryRows(
    tx,
    'selectCurrentVersionHead',
    'select v.version_number, v.content_hash from program_versions v where v.id = ? and v.user_id = ?',
    [row.current_version_id, userId],
    versionHead,
  );
  return { program, row, currentNumber: head?.version_number ?? 0, currentHash: head?.content_hash ?? null };
}

/**
 * The name and content a program holds now: its row and blob, unless versions
 * moved on while legacy writes were off (Phase 5) — then its current version.
 */
export async function currentState(em: EntityManager, row: ProgramRow): Promise<ProgramState> {
  if (blobSync(row) !== 'version-newer') return { name: row.name, content: contentOfRow(row) };
  const tree = await requireTree(createVersionTreeLoader(em, row.user_id), row.current_version_id!);
  return { name: tree.name, content: tree.content };
}

export async function currentContent(em: EntityManager, row: ProgramRow): Promise<ProgramContent> {
  return (await currentState(em, row)).content;
}
