import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { versionTreeCache } from './version-tree-cache.js';
import type { VersionTree } from './version-tree.js';

/** Per-request loader of whole version trees by id, scoped to one user: the process cache first, one statement per batch for the rest. */
export function createVersionTreeLoader(em: EntityManager, userId: string): DataLoader<string, VersionTree | null> {
  return new DataLoader(async (ids) => {
    const byId = await versionTreeCache.load(em, userId, ids);
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Loads one tree that must exist (it is referenced by a row the caller owns). */
export async function requireTree(loader: DataLoader<string, VersionTree | null>, id: string): Promise<VersionTree> {
  const tree = await loader.load(id);
  if (!tree) throw new Error(`program version ${id} is referenced but missing`);
  return tree;
}
