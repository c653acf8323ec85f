import { LRUCache } from 'lru-cache';
import type { ExercisePerformanceModel } from '../models/read-models.js';

/** Which read path computed a last performance: the two may differ while data drifts, so they never share an entry. */
export type LastPerformanceKind = 'legacy' | 'versioned';

/** Last performances by exposed id, and the history watermark they were read at (in the same statement). */
export interface LastPerformances {
  readonly historyWatermark: string;
  readonly performances: Map<string, ExercisePerformanceModel>;
}

interface UserEntries {
  readonly watermark: string;
  /** By `kind exposedId`; null where the caller has no performance of it. */
  readonly performances: Map<string, ExercisePerformanceModel | null>;
}

/**
 * A process-wide cache of last performances, per user, valid for one history
 * watermark (Migration0010HistoryWatermarks). The database moves a user's
 * watermark to a never-used value in the same transaction as any change that
 * can alter a last performance, so an entry is served only to a request that
 * read the same watermark from the primary (with the active program): every
 * replica answers what the primary holds now, whichever process computed it.
 * Bounded: least recently used users out first, and a bounded number of
 * exercises per user.
 */
export class LastPerformanceCache {
  private readonly users: LRUCache<string, UserEntries>;

  constructor(
    capacity = 20_000,
    private readonly perUser = 2_000,
  ) {
    this.users = new LRUCache({ max: capacity });
  }

  /** Users kept (for tests). */
  get size(): number {
    return this.users.size;
  }

  /** The cached performances of `exposedIds` that are valid at `watermark`; the ids not in the map must be read. */
  lookup(userId: string, watermark: string, kind: LastPerformanceKind, exposedIds: readonly string[]): Map<string, ExercisePerformanceModel | null> {
    const found = new Map<string, ExercisePerformanceModel | null>();
    const entries = this.users.get(userId);
    if (!entries || entries.watermark !== watermark) return found;
    for (const id of exposedIds) {
      const performance = entries.performances.get(`${kind} ${id}`);
      if (performance !== undefined) found.set(id, performance);
    }
    return found;
  }

  /** Performances read at `watermark` (in the same statement): they replace whatever the user had at another watermark. */
  remember(userId: string, watermark: string, kind: LastPerformanceKind, performances: ReadonlyMap<string, ExercisePerformanceModel | null>): void {
    let entries = this.users.get(userId);
    if (!entries || entries.watermark !== watermark) {
      entries = { watermark, performances: new Map() };
      this.users.set(userId, entries);
    }
    for (const [id, performance] of performances) {
      if (entries.performances.size >= this.perUser) break;
      entries.performances.set(`${kind} ${id}`, performance);
    }
  }
}

/** The cache every request of this process shares. */
export const lastPerformanceCache = new LastPerformanceCache();
