import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { selectVersionTrees } from './version-store.js';
import type { VersionTree } from './version-tree.js';

/** Per-request loader of whole version trees by id (one statement per batch), scoped to one user. */
export function createVersionTreeLoader(em: EntityManager, userId: string): DataLoader<string, VersionTree | null> {
  return new DataLoader(async (ids) => {
    const trees = await selectVersionTrees(em, userId, ids);
    const byId = new Map(trees.map((t) => [t.id, t]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Loads one tree that must exist (it is referenced by a row the caller owns). */
export async function requireTree(loader: DataLoader<string, VersionTree | null>, id: string): Promise<VersionTree> {
  const tree = await loader.load(id);
  if (!tree) throw new Error(`program version ${id} is referenced but missing`);
  return tree;
}
