import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { PROGRAM_COLUMNS, programRow, type ProgramRow } from '../db/rows.js';
import { execute, queryRows } from '../db/sql.js';
import type { ProgramContent } from '../domain/program.js';
import { contentOfRow } from '../programs/program-content.js';
import { blobSync } from './blob-sync.js';
import { contentHash } from './content-hash.js';
import { insertVersion } from './version-store.js';
import { createVersionTreeLoader, requireTree } from './version-trees.js';
import type { VersionSource } from './version-tree.js';

/** A program row locked for the rest of the transaction, with its current version's number and hash. */
export interface LockedProgram {
  readonly row: ProgramRow;
  /** 0 when the program has no version yet (or its version was not asked for). */
  readonly currentNumber: number;
  readonly currentHash: string | null;
}

export interface CurrentVersion {
  readonly id: string;
  readonly number: number;
  readonly contentHash: string;
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
  const [row] = await queryRows(
    tx,
    'lockProgram',
    `select ${PROGRAM_COLUMNS} from programs p where p.user_id = ? and p.id = ? and p.deleted_at is null for update`,
    [userId, id],
    programRow,
  );
  if (!row) return null;
  if (!row.current_version_id || !options.withVersion) return { row, currentNumber: 0, currentHash: null };
  const [head] = await queryRows(
    tx,
    'selectCurrentVersionHead',
    'select v.version_number, v.content_hash from program_versions v where v.id = ?',
    [row.current_version_id],
    versionHead,
  );
  return { row, currentNumber: head?.version_number ?? 0, currentHash: head?.content_hash ?? null };
}

/**
 * The name and content a program holds now: its row and blob, unless versions
 * moved on while legacy writes were off (Phase 5) — then its current version.
 */
export async function currentState(em: EntityManager, row: ProgramRow): Promise<{ name: string; content: ProgramContent }> {
  if (blobSync(row) !== 'version-newer') return { name: row.name, content: contentOfRow(row) };
  const tree = await requireTree(createVersionTreeLoader(em, row.user_id), row.current_version_id!);
  return { name: tree.name, content: tree.content };
}

export async function currentContent(em: EntityManager, row: ProgramRow): Promise<ProgramContent> {
  return (await currentState(em, row)).content;
}

/**
 * Makes the program's current version mirror `base` (what the blob holds):
 * version 1 for a program never versioned, a catch-up version for a blob
 * written while versioned writes were off. Both are `BACKFILL`: the system,
 * not a user, made them. Points the program at the version it returns.
 */
export async function ensureCurrentVersion(tx: EntityManager, locked: LockedProgram, base: ProgramContent): Promise<CurrentVersion> {
  const { row } = locked;
  const sync = blobSync(row);
  if (sync === 'in-sync' || sync === 'version-newer') {
    return { id: row.current_version_id!, number: locked.currentNumber, contentHash: locked.currentHash! };
  }
  const hash = contentHash(row.name, base);
  if (sync === 'blob-newer' && hash === locked.currentHash) {
    await pointProgramAt(tx, row.id, row.current_version_id!);
    return { id: row.current_version_id!, number: locked.currentNumber, contentHash: hash };
  }
  const created = await insertVersion(tx, {
    programId: row.id,
    userId: row.user_id,
    number: locked.currentNumber + 1,
    parentId: row.current_version_id,
    source: 'BACKFILL',
    name: row.name,
    contentHash: hash,
    content: base,
  });
  await pointProgramAt(tx, row.id, created.id);
  return { id: created.id, number: created.number, contentHash: hash };
}

/** A new version after `parent` (null: the first) when the content differs from it; else `parent` itself. */
export async function recordVersion(
  tx: EntityManager,
  parent: CurrentVersion | null,
  program: { id: string; userId: string },
  name: string,
  content: ProgramContent,
  source: VersionSource,
): Promise<CurrentVersion> {
  const hash = contentHash(name, content);
  if (parent && parent.contentHash === hash) return parent;
  const created = await insertVersion(tx, {
    programId: program.id,
    userId: program.userId,
    number: (parent?.number ?? 0) + 1,
    parentId: parent?.id ?? null,
    source,
    name,
    contentHash: hash,
    content,
  });
  return { id: created.id, number: created.number, contentHash: hash };
}

/** Points a program at a version its blob also holds. */
async function pointProgramAt(tx: EntityManager, programId: string, versionId: string): Promise<void> {
  await execute(tx, 'pointProgramAtVersion', 'update programs set current_version_id = ?, legacy_json_version_id = ? where id = ?', [
    versionId,
    versionId,
    programId,
  ]);
}
