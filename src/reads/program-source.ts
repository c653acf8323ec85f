import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BlobColumns, ProgramRow } from '../db/rows.js';
import { selectActiveProgram, selectProgramsByIds, selectProgramsOfUser, type ActiveProgramRow } from '../store/program-store.js';
import type { ProgramModel } from '../models/read-models.js';

/** A program as a read path shows it, with whether it is soft-deleted (history of deleted programs still needs it). */
export interface SourcedProgram {
  readonly model: ProgramModel;
  readonly deleted: boolean;
}

/**
 * Where a read path takes program content from. The rows are the same on both
 * paths (legacy `programs`); only `contentOf` differs: the blob, or the
 * current version's rows. Batched: rows by id in one statement per tick, and
 * contents of many rows in one statement.
 */
export interface ProgramSource {
  byId(id: string): Promise<SourcedProgram | null>;
  /** The user's first `first` programs, oldest first. */
  ofUser(first: number): Promise<ProgramModel[]>;
  active(): Promise<ProgramModel | null>;
  /**
   * The caller's history watermark, read from the primary with the active
   * program by this request (undefined until `active()` has run, and after
   * `forget()`): what a cached last performance is checked against.
   */
  historyWatermark(): string | undefined;
  /**
   * What the active program's answer depends on, from the same statement (and
   * the same row) `active()` reads: the row's id, `revision` (bumped by a
   * trigger on every change of the row, blob and pointer included), current
   * version (version rows never change) and the history watermark (moves with
   * every write that can change a last performance). Null when there is no
   * active program. Read once per request: `active()` reuses the row.
   */
  activeValidator(): Promise<string | null>;
  forget(): void;
}

export type ContentLoader = (rows: readonly ProgramRow[]) => Promise<ProgramModel[]>;

/** `blobs: 'unversioned'` when `modelsOf` takes content from versions and needs a blob only where there is none. */
export function createProgramSource(em: EntityManager, userId: string, modelsOf: ContentLoader, blobs: BlobColumns = 'all'): ProgramSource {
  const byId = new DataLoader<string, SourcedProgram | null>(async (ids) => {
    const rows = await selectProgramsByIds(em, userId, ids, { includeDeleted: true, blobs });
    const models = await modelsOf(rows);
    return ids.map((id) => {
      const i = rows.findIndex((r) => r.id === id);
      return i < 0 ? null : { model: models[i]!, deleted: rows[i]!.deleted_at !== null };
    });
  });
  const prime = (rows: readonly ProgramRow[], models: readonly ProgramModel[]) => {
    rows.forEach((row, i) => byId.prime(row.id, { model: models[i]!, deleted: row.deleted_at !== null }));
    return [...models];
  };
  let historyWatermark: string | undefined;
  // One read of the active row per request (until a write's `forget()`): the validator and the resolvers see the same row.
  let activeRow: Promise<ActiveProgramRow | null> | undefined;
  const readActive = () =>
    (activeRow ??= selectActiveProgram(em, userId, blobs).then((row) => {
      if (row) historyWatermark = row.history_watermark;
      return row;
    }));
  return {
    byId: (id) => byId.load(id),
    async ofUser(first) {
      const rows = await selectProgramsOfUser(em, userId, first, blobs);
      return prime(rows, await modelsOf(rows));
    },
    async active() {
      const row = await readActive();
      return row ? (prime([row], await modelsOf([row]))[0] ?? null) : null;
    },
    historyWatermark: () => historyWatermark,
    async activeValidator() {
      const row = await readActive();
      return row && JSON.stringify([row.id, row.revision, row.current_version_id, row.history_watermark]);
    },
    forget() {
      byId.clearAll();
      activeRow = undefined;
      historyWatermark = undefined;
    },
  };
}
