import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramVersionModel } from '../models/read-models.js';
import { selectVersionIdsOfPrograms } from '../store/version-store.js';
import { createVersionTreeLoader } from '../store/version-tree-loader.js';
import type { VersionTree } from '../store/version-tree.js';

/** The most versions one `Program.versions` list returns. */
export const MAX_VERSIONS_PAGE = 100;

/** Program versions as the GraphQL surface reads them, for one caller; batched. */
export interface VersionReads {
  version(id: string): Promise<ProgramVersionModel | null>;
  /** The program's `first` most recent versions (at most MAX_VERSIONS_PAGE), most recent first. */
  versionsOf(programId: string, first: number): Promise<ProgramVersionModel[]>;
  forget(): void;
}

export function versionModel(tree: VersionTree): ProgramVersionModel {
  return {
    id: tree.id,
    programId: tree.programId,
    number: tree.number,
    parentId: tree.parentId,
    name: tree.name,
    source: tree.source,
    createdAt: tree.createdAt,
    content: tree.content,
  };
}

export function createVersionReads(em: EntityManager, userId: string): VersionReads {
  const trees = createVersionTreeLoader(em, userId);
  const idsOfProgram = new DataLoader(async (programIds: readonly string[]) => {
    // Every list in a batch reads the longest page; each then keeps its own `first`.
    const found = await selectVersionIdsOfPrograms(em, userId, programIds, MAX_VERSIONS_PAGE);
    return programIds.map((id) => found.get(id) ?? []);
  });
  const version = async (id: string) => {
    const tree = await trees.load(id);
    return tree ? versionModel(tree) : null;
  };
  return {
    version,
    async versionsOf(programId, first) {
      const ids = (await idsOfProgram.load(programId)).slice(0, first);
      const models = await Promise.all(ids.map(version));
      return models.filter((m): m is ProgramVersionModel => m !== null);
    },
    forget() {
      idsOfProgram.clearAll();
      // Trees are immutable: a cached tree never goes stale.
    },
  };
}
