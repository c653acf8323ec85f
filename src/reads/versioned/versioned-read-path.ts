import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramRow } from '../../db/rows.js';
import { programModelOfRow } from '../../store/program-content.js';
import type { VersionTree } from '../../store/version-tree.js';
import { versionTreeCache } from '../../store/version-tree-cache.js';
import { composeReadPath } from '../compose-read-path.js';
import type { ProgramModel } from '../../models/read-models.js';
import { createProgramSource } from '../program-source.js';
import type { ReadPath } from '../read-path.js';
import { selectLastPerformanceVersioned } from './last-performance-versioned.js';
import { lastPerformanceCache, type LastPerformanceCache } from '../last-performance-cache.js';

/**
 * Reads from the versioned tables: program content from the program's current
 * version (one statement for all programs of a batch), last performance by
 * stable exercise id across versions. A program the backfill has not reached
 * yet still shows its blob, so the app stays usable mid-migration.
 * `trees` is where whole version trees come from: the process-wide cache by
 * default; a consistency check passes the tables themselves (`uncachedVersionTrees`).
 * `performances` likewise keeps last performances between requests (null: none).
 */
export function createVersionedReadPath(
  em: EntityManager,
  userId: string,
  trees: VersionTreeSource = versionTreeCache,
  performances: LastPerformanceCache | null = lastPerformanceCache,
): ReadPath {
  const modelsOf = async (rows: readonly ProgramRow[]): Promise<ProgramModel[]> => {
    const versionIds = rows.map((r) => r.current_version_id).filter((id): id is string => id !== null);
    const found = versionIds.length ? await trees.load(em, userId, versionIds) : new Map();
    return rows.map((row) => {
      const tree = row.current_version_id ? found.get(row.current_version_id) : undefined;
      return tree ? { ...programModelOfRow(row, { skipBlob: true }), name: tree.name, content: tree.content } : programModelOfRow(row);
    });
  };
  return composeReadPath(em, userId, {
    programs: createProgramSource(em, userId, modelsOf, 'unversioned'),
    lastPerformance: (ids) => selectLastPerformanceVersioned(em, userId, ids),
    cache: performances && { performances, kind: 'versioned' },
  });
}

/** Whole version trees by version id, of one user. */
export interface VersionTreeSource {
  load(em: EntityManager, userId: string, versionIds: readonly string[]): Promise<ReadonlyMap<string, VersionTree>>;
}
