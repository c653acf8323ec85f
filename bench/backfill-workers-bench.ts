import { runBackfillProcess } from './backfill-process.js';
import type { BenchPostgres } from './bench-postgres.js';
import type { SeededCorpus } from './corpus-database.js';

/** `npm run backfill` with 1 and with 2 workers, each on its own copy of the legacy corpus. */
export interface WorkerScaling {
  readonly sets: number;
  readonly runs: readonly {
    readonly workers: number;
    readonly wallSeconds: number;
    /** The command's own figure: programs + sessions per second. */
    readonly rowsPerSecond: number;
    readonly setsPerSecond: number;
    /** CPU of the command's process (JavaScript: planning, matching, JSON); the rest of the wall time is PostgreSQL and waiting. */
    readonly commandCpuSeconds: number | null;
  }[];
  /** rows/s with 2 workers ÷ rows/s with 1. */
  readonly speedup: number;
}

/** Call before `corpus` is backfilled: the copies are made from its legacy rows. */
export async function benchWorkerScaling(
  pgs: BenchPostgres,
  root: string,
  corpus: SeededCorpus,
  batchSize: number,
  log: (line: string) => void,
): Promise<WorkerScaling> {
  const runs: WorkerScaling['runs'][number][] = [];
  for (const workers of [1, 2]) {
    const copy = `${corpus.database}_workers${workers}`;
    await pgs.createDatabase(copy, corpus.database);
    try {
      log(`backfill worker scaling: ${workers} worker(s) on a copy of ${corpus.database}…`);
      const run = await runBackfillProcess(root, pgs.url(copy), batchSize, log, { extraArgs: workers > 1 ? ['--workers', String(workers)] : [] });
      runs.push({
        workers,
        wallSeconds: run.wallMs / 1000,
        rowsPerSecond: run.report.rowsPerSecond,
        setsPerSecond: corpus.counts.sets / (run.report.durationMs / 1000),
        commandCpuSeconds: run.cpuSeconds,
      });
      log(`  ${workers} worker(s): ${Math.round(run.report.rowsPerSecond)} rows/s, ${(run.wallMs / 1000).toFixed(1)} s wall, command CPU ${run.cpuSeconds?.toFixed(1) ?? '?'} s`);
    } finally {
      await pgs.dropDatabase(copy);
    }
  }
  return { sets: corpus.counts.sets, runs, speedup: runs[1]!.rowsPerSecond / runs[0]!.rowsPerSecond };
}
