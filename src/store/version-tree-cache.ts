import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { readReplicaOf } from '../db/read-replica.js';
import { selectVersionTrees } from './version-store.js';
import type { VersionTree } from './version-tree.js';

export interface VersionTreeCacheLimits {
  /** Trees kept at most. */
  readonly maxTrees: number;
  /** Approximate bytes of all kept trees (see `approximateBytes`). */
  readonly maxBytes: number;
}

/** 20,000 trees or 128 MB, whichever comes first: a program of six workouts of seven exercises is about 25 kB. */
export const DEFAULT_VERSION_TREE_CACHE_LIMITS: VersionTreeCacheLimits = { maxTrees: 20_000, maxBytes: 128 * 1024 * 1024 };

/**
 * A process-wide cache of whole version trees by version id. Safe without any
 * invalidation: version rows never change (the database refuses updates and
 * deletes). Bounded by count and by approximate bytes (a few users with huge
 * programs cannot grow it past its budget), least recently used out first. A
 * hit is served only to the user the version belongs to, exactly as the
 * scoped query would.
 *
 * Misses are the one read that may go to a read replica (`DATABASE_READ_URL`):
 * a version row is immutable, so a replica that has it has it right. What the
 * replica does not have yet (lag) or cannot answer is read from the primary in
 * the same call.
 */
export class VersionTreeCache {
  private readonly trees: LRUCache<string, VersionTree>;

  constructor(limits: VersionTreeCacheLimits = DEFAULT_VERSION_TREE_CACHE_LIMITS) {
    this.trees = new LRUCache({ max: limits.maxTrees, maxSize: limits.maxBytes, sizeCalculation: approximateBytes });
  }

  /** Kept trees and their approximate bytes (for tests). */
  size(): { readonly trees: number; readonly bytes: number } {
    return { trees: this.trees.size, bytes: this.trees.calculatedSize };
  }

  async load(em: EntityManager, userId: string | null, ids: readonly string[]): Promise<Map<string, VersionTree>> {
    const found = new Map<string, VersionTree>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      // Another user's version is neither served nor made recent.
      const tree = this.trees.peek(id);
      if (!tree) missing.push(id);
      else if (userId === null || tree.userId === userId) {
        this.trees.get(id);
        found.set(id, tree);
      }
    }
    if (missing.length > 0) {
      // Rows read inside a transaction may yet roll back: cache only what is committed.
      const committed = !em.isInTransaction();
      for (const tree of await selectMissing(em, userId, missing)) {
        found.set(tree.id, tree);
        if (committed) this.remember(tree);
      }
    }
    return found;
  }

  remember(tree: VersionTree): void {
    this.trees.set(tree.id, tree);
  }

  /** Forgets every tree: for tests that measure a process that wrote none of them. */
  clear(): void {
    this.trees.clear();
  }
}

/**
 * A tree's memory, roughly: its content as JSON text (two bytes a character,
 * as JavaScript strings hold it; objects cost about as much as their text)
 * and two ids and a map entry per row id. Only to bound the cache: a miss
 * already costs a query, so the text is cheap beside it.
 */
export function approximateBytes(tree: VersionTree): number {
  return JSON.stringify(tree.content).length * 2 + (tree.workoutRowIds.size + tree.exerciseRowIds.size) * 250 + 500;
}

/** Trees by id from the replica attached to `em`'s primary when there is one, else (and for whatever it lacks) from `em`. */
async function selectMissing(em: EntityManager, userId: string | null, ids: readonly string[]): Promise<VersionTree[]> {
  const replica = readReplicaOf(em);
  if (!replica) return selectVersionTrees(em, userId, ids);
  const replicated = await replica.read((replicaEm) => selectVersionTrees(replicaEm, userId, ids));
  if (replicated === undefined) {
    replica.count('fallback', ids.length);
    return selectVersionTrees(em, userId, ids);
  }
  replica.count('hit', replicated.length);
  const found = new Set(replicated.map((tree) => tree.id));
  const notYet = ids.filter((id) => !found.has(id));
  if (notYet.length === 0) return replicated;
  replica.count('miss', notYet.length);
  return [...replicated, ...(await selectVersionTrees(em, userId, notYet))];
}

/** The cache every request of this process shares. */
export const versionTreeCache = new VersionTreeCache();
