import { LRUCache } from 'lru-cache';
import type { VersionIndex } from '../domain/backfill/history-match.js';
import type { VersionTree } from '../store/version-tree.js';

/**
 * Versions a run keeps by default: enough for every version its sessions
 * match against in a corpus of a few thousand users, at a few kB each (see
 * `matchIndexOf`), so the run's memory stays flat however much history it
 * links.
 */
export const VERSION_INDEX_CACHE_SIZE = 5_000;

/**
 * The match indexes a backfill run has loaded, by version id, kept across its
 * batches. Sessions come in id order, i.e. from random users, so nearly every
 * batch matches against nearly every program; version rows never change (a
 * program edited during the run gets a new version, with a new id), so an
 * index loaded once is right for the whole run. Program rows do change and
 * are read, locked, per batch: nothing of them is kept here.
 *
 * Bounded by count, least recently used out first. A batch holds the indexes
 * it uses itself, so an eviction costs at most a reload in a later batch.
 */
export class VersionIndexCache {
  private readonly indexes: LRUCache<string, VersionIndex>;

  constructor(readonly capacity = VERSION_INDEX_CACHE_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`the version index cache holds at least one version (got ${capacity})`);
    this.indexes = new LRUCache({ max: capacity });
  }

  get size(): number {
    return this.indexes.size;
  }

  get(versionId: string): VersionIndex | undefined {
    return this.indexes.get(versionId);
  }

  /** Only for versions committed before the caller's transaction: one it wrote itself could yet roll back. */
  add(index: VersionIndex): void {
    this.indexes.set(index.versionId, index);
  }
}

/**
 * What matching needs of a version tree, and nothing else: workout and
 * exercise ids and names and their row ids. Prescribed sets, notes and the
 * schedule are left behind (they are most of a tree's memory).
 */
export function matchIndexOf(tree: VersionTree): VersionIndex {
  return {
    versionId: tree.id,
    content: { workouts: tree.content.workouts.map((w) => ({ id: w.id, name: w.name, exercises: w.exercises.map((e) => ({ id: e.id, name: e.name })) })) },
    workoutRowIds: tree.workoutRowIds,
    exerciseRowIds: tree.exerciseRowIds,
  };
}
