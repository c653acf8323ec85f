import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramRow } from '../db/rows.js';
import { afterCommit } from '../db/transaction.js';
import type { ChangeSource } from '../domain/change-source.js';
import type { ProgramContent } from '../domain/program.js';
import { blobSync } from '../store/blob-sync.js';
import { contentHash } from '../domain/content-hash.js';
import { insertVersion } from '../store/version-store.js';
import type { NewVersion, VersionTree } from '../store/version-tree.js';
import { versionTreeCache } from '../store/version-tree-cache.js';
import { createVersionTreeLoader } from '../store/version-tree-loader.js';
import type { LockedProgram } from './program-lock.js';
import { insertProgram, updateProgram } from './program-rows.js';
import type { ProgramState } from './program-state.js';
import type { HistoryVersions, SessionVersionRefs } from './write-path.js';

/** The version steps both version-writing paths (dual write, versioned only) share; `versionWritingPath` puts them together. */

export interface CurrentVersion {
  readonly id: string;
  readonly number: number;
  readonly contentHash: string;
}

/** The current version once `ensureCurrentVersion` returns, and the version the blob holds then. */
export interface EnsuredVersion extends CurrentVersion {
  /** `legacy_json_version_id` as it now stands: what the blob holds (an older version while it is behind, Phase 5). */
  readonly blobVersionId: string | null;
}

/**
 * Makes the program's current version mirror `base` (what the blob holds):
 * version 1 for a program never versioned, a catch-up version for a blob
 * written while versioned writes were off. Both are `BACKFILL`: the system,
 * not a user, made them. The program's pointers are the caller's to write
 * (`id` becomes `current_version_id`, `blobVersionId` `legacy_json_version_id`).
 */
export async function ensureCurrentVersion(tx: EntityManager, locked: LockedProgram, base: ProgramContent): Promise<EnsuredVersion> {
  const { row } = locked;
  const sync = blobSync(row);
  if (sync === 'in-sync' || sync === 'version-newer') {
    return { id: row.current_version_id!, number: locked.currentNumber, contentHash: locked.currentHash!, blobVersionId: row.legacy_json_version_id };
  }
  const hash = contentHash(row.name, base);
  if (sync === 'blob-newer' && hash === locked.currentHash) {
    return { id: row.current_version_id!, number: locked.currentNumber, contentHash: hash, blobVersionId: row.current_version_id };
  }
  const created = await writeVersion(tx, {
    programId: row.id,
    userId: row.user_id,
    number: locked.currentNumber + 1,
    parentId: row.current_version_id,
    source: 'BACKFILL',
    name: row.name,
    contentHash: hash,
    content: base,
  });
  return { id: created.id, number: created.number, contentHash: hash, blobVersionId: created.id };
}

/** A new version after `parent` (null: the first) when the content differs from it; else `parent` itself. */
export async function recordVersion(
  tx: EntityManager,
  parent: CurrentVersion | null,
  program: { id: string; userId: string },
  state: ProgramState,
  source: ChangeSource,
): Promise<CurrentVersion> {
  const hash = contentHash(state.name, state.content);
  if (parent && parent.contentHash === hash) return parent;
  const created = await writeVersion(tx, {
    programId: program.id,
    userId: program.userId,
    number: (parent?.number ?? 0) + 1,
    parentId: parent?.id ?? null,
    source,
    name: state.name,
    contentHash: hash,
    content: state.content,
  });
  return { id: created.id, number: created.number, contentHash: hash };
}

/** A new program with version 1, which its first blob also holds. */
export async function createVersionedProgram(tx: EntityManager, userId: string, program: ProgramState & { readonly id: string }): Promise<ProgramRow> {
  const created = await insertProgram(tx, userId, program);
  const first = await recordVersion(tx, null, { id: created.id, userId }, program, 'USER');
  return updateProgram(tx, created, { name: null, blob: null, currentVersionId: first.id, blobVersionId: first.id, touch: false });
}

/** The session's program version (created first if the program has none) and its workout's row in it. */
export async function sessionVersionRefs(tx: EntityManager, locked: LockedProgram, content: ProgramContent, workoutId: string): Promise<SessionVersionRefs> {
  const ensured = await ensureCurrentVersion(tx, locked, content);
  const programVersionId = ensured.id;
  const { row } = locked;
  if (ensured.id !== row.current_version_id || ensured.blobVersionId !== row.legacy_json_version_id) {
    await updateProgram(tx, locked.program, { name: null, blob: null, currentVersionId: ensured.id, blobVersionId: ensured.blobVersionId, touch: false });
  }
  const tree = await createVersionTreeLoader(tx, locked.row.user_id).load(programVersionId);
  return { programVersionId, workoutVersionId: tree?.workoutRowIds.get(workoutId) ?? null };
}

/**
 * The exercise's row in the session's version, else in the program's current
 * version (added to the program mid-session), else null.
 */
export async function exerciseVersionRef(tx: EntityManager, versions: HistoryVersions, exerciseId: string): Promise<string | null> {
  const trees = createVersionTreeLoader(tx, versions.userId);
  const candidates = [versions.sessionVersionId, versions.programVersionId].filter((id): id is string => id !== null);
  for (const versionId of candidates) {
    const rowId = (await trees.load(versionId))?.exerciseRowIds.get(exerciseId);
    if (rowId) return rowId;
  }
  return null;
}

/**
 * Writes a version and, once the write commits, keeps its tree in the process
 * cache: the next read of it (the mutation's own answer, the next edit's base,
 * the next workout screen) needs no statement. Version rows never change, so
 * the tree as written is the tree as stored.
 */
async function writeVersion(tx: EntityManager, version: NewVersion): Promise<VersionTree> {
  const tree = await insertVersion(tx, version);
  afterCommit(tx, () => versionTreeCache.remember(tree));
  return tree;
}
