import type { EntityManager } from '@mikro-orm/postgresql';
import { readReplicaOf } from '../db/read-replica.js';
import { selectVersionTrees } from './version-store.js';
import type { VersionTree } from './version-tree.js';

/**
 * A process-wide cache of whole version trees by version id. Safe without any
 * invalidation: version rows never change (the database refuses updates and
 * deletes). Bounded, least recently used out first. A hit is served only to
 * the user the version belongs to, exactly as the scoped query would.
 *
 * Misses are the one read that may go to a read replica (`DATABASE_READ_URL`):
 * a version row is immutable, so a replica that has it has it right. What the
 * replica does not have yet (lag) or cannot answer is read from the primary in
 * the same call.
 */
export class VersionTreeCache {
  private readonly trees = new Map<string, VersionTree>();

  constructor(private readonly capacity = 20_000) {}

  async load(em: EntityManager, userId: string | null, ids: readonly string[]): Promise<Map<string, VersionTree>> {
    const found = new Map<string, VersionTree>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const tree = this.trees.get(id);
      if (!tree) missing.push(id);
      else if (userId === null || tree.userId === userId) {
        this.trees.delete(id);
        this.trees.set(id, tree);
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
    if (this.trees.size > this.capacity) this.trees.delete(this.trees.keys().next().value!);
  }
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
