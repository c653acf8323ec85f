import type { BackfillFigures } from './backfill-bench.js';
import type { WorkerScaling } from './backfill-workers-bench.js';
import type { LoadFigures } from './load.js';
import type { Stall } from './paced-load.js';
import type { StartupFigures } from './startup-bench.js';
import type { StatementCount } from './statement-count.js';

/** What `bench/results.json` holds. `ratios.*` and `sqlPerOperation.fullTree` are fixed keys (scripts read them). */
export interface BenchResults {
  readonly mode: 'quick' | 'full';
  readonly startedAt: string;
  finishedAt?: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGb: number; readonly node: string };
  postgres: { readonly version?: string; readonly settings: Readonly<Record<string, string>> };
  readonly load: { readonly connections: number; readonly warmupSeconds: number; readonly rounds: number; readonly roundSeconds: number; readonly poolSize: number };
  corpus?: { users: number; libraryUsers: number; programs: number; sessions: number; sets: number; seedSeconds: number };
  backfill?: {
    sizes: BackfillFigures[];
    /** Peak RSS of the larger run ÷ the smaller's (flat ≈ 1). */
    peakRssGrowth: number | null;
    /** The largest size the ceiling ran at: backfill time ÷ SQL ceiling time (target ≤ 2). */
    timeVsCeiling: number | null;
    /** `--workers 1` vs `--workers 2` on copies of the bench corpus. */
    workerScaling?: WorkerScaling;
  };
  startup?: StartupFigures;
  /** Per operation, per contender: median throughput and latency over the rounds. */
  operations: Record<string, Record<string, LoadFigures>>;
  halfLoad?: Record<
    string,
    {
      requestsPerSecond: number;
      p50Ms: number;
      p99Ms: number;
      maxMs?: number;
      targetRate: number;
      failures?: number;
      /** Runs of requests over 100 ms, the worst five per round; the loader's own longest event-loop delay; median steal (bench/paced-load.ts). */
      stalls?: readonly Stall[];
      loaderMaxDelayMs?: number;
      /** The loader's own full collections over all rounds, and their pauses (few once its old generation is sized: bench/README.md). */
      loaderFullCollections?: number;
      loaderFullCollectionMs?: number;
      stealPercent?: number;
    }
  >;
  /** `fullTree`: statements of one full-tree request on our versioned path (fixed key); `byOperation`: all counts. */
  sqlPerOperation: { fullTree?: number; byOperation: Record<string, Record<string, StatementCount>> };
  ratios: {
    fullTreeVsPeer?: number;
    fullTreeVsCeiling?: number;
    fullTreeLegacyVsPeer?: number;
    fullTreeLegacyVsCeiling?: number;
    /** Our p99 at half our peak ÷ the ceiling's p99 at half its peak (target ≤ 2). */
    halfLoadP99VsCeiling?: number;
  };
  /** The performance targets (bench/README.md), checked against this run. */
  targets?: Record<string, { target: string; value: number | null; met: boolean }>;
  /** Differences between our two read paths found while checking payloads (should be empty). */
  readPathMismatches: string[];
}
