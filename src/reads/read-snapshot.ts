import { IsolationLevel, type EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../db/sql.js';
import { createLegacyReadPath } from './legacy/legacy-read-path.js';
import type { ReadPath } from './read-path.js';
import { createVersionedReadPath, type VersionTreeSource } from './versioned/versioned-read-path.js';
import { selectVersionTrees } from '../store/version-store.js';

/** Both read paths of one user, built by the factories the server builds them with. */
export interface ReadPathPair {
  readonly legacy: ReadPath;
  readonly versioned: ReadPath;
}

export interface SnapshotOptions {
  /** Bounds each statement of the snapshot (the transaction's `statement_timeout`); none by default. */
  readonly statementTimeoutMs?: number;
}

/** Runs `work` with a user's two read paths on one database snapshot; see `inReadSnapshot`. */
export type SnapshotReader = <T>(work: (paths: ReadPathPair) => Promise<T>) => Promise<T>;

/**
 * Runs `work` in one `REPEATABLE READ READ ONLY` transaction on a fork of `em`
 * (the primary: the pool `em` belongs to). Every statement issued through the
 * transaction's EntityManager (`queryRows`/`execute` on it run on the
 * transaction's connection) reads the same snapshot, taken at its first
 * statement: a write committed meanwhile is seen by all of them or by none.
 * That is what makes a comparison of the two read paths mean something while
 * users edit their programs.
 */
export async function inReadSnapshot<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>, options: SnapshotOptions = {}): Promise<T> {
  return em.fork().transactional(
    async (tx) => {
      const snapshot = tx as EntityManager;
      if (options.statementTimeoutMs !== undefined) {
        await execute(snapshot, 'snapshotStatementTimeout', `select set_config('statement_timeout', ?, true)`, [`${Math.round(options.statementTimeoutMs)}ms`]);
      }
      return work(snapshot);
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );
}

/**
 * Version trees read from the snapshot's own rows. The process-wide cache
 * would answer from memory what the tables held when it was filled: a
 * comparison must see what the tables hold now (a version row changed behind
 * the service's back is a difference to report), and `verify` would only fill
 * memory with trees it reads once.
 */
export const uncachedVersionTrees: VersionTreeSource = {
  async load(em, userId, versionIds) {
    return new Map((await selectVersionTrees(em, userId, versionIds)).map((tree) => [tree.id, tree]));
  },
};

/**
 * The legacy and the versioned read path of `userId` on `em`, built by the
 * factories the server uses (on a snapshot's EntityManager, both read that
 * snapshot; the versioned one reads version trees from it, not from the cache).
 */
export function readPathPair(em: EntityManager, userId: string): ReadPathPair {
  return { legacy: createLegacyReadPath(em, userId, null), versioned: createVersionedReadPath(em, userId, uncachedVersionTrees, null) };
}

/** A `SnapshotReader` for `userId`: each call opens its own snapshot with fresh read paths. */
export function snapshotReader(em: EntityManager, userId: string, options: SnapshotOptions = {}): SnapshotReader {
  return (work) => inReadSnapshot(em, (tx) => work(readPathPair(tx, userId)), options);
}
