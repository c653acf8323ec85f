import type { BenchPostgres } from './bench-postgres.js';
import { countLinks, runBackfillCeiling, type LinkCounts } from './backfill-ceiling.js';
import { runBackfillProcess } from './backfill-process.js';
import type { SeededCorpus } from './corpus-database.js';

/** The backfill at one corpus size, beside its SQL ceiling on an identical copy of the legacy data. */
export interface BackfillFigures {
  readonly users: number;
  readonly programs: number;
  readonly sessions: number;
  readonly sets: number;
  readonly backfill: {
    readonly wallSeconds: number;
    /** The command's own figure: programs + sessions per second. */
    readonly rowsPerSecond: number;
    readonly setsPerSecond: number;
    readonly peakRssMb: number;
    readonly peakRssSource: string;
    readonly batchSize: number;
  };
  /** Null where the ceiling was not run at this size (see `ceilingMaxSets`). */
  readonly ceiling: {
    readonly seconds: number;
    readonly rowsPerSecond: number;
    readonly setsPerSecond: number;
    readonly statementsMs: Record<string, number>;
  } | null;
  /** Backfill wall time ÷ ceiling time (target ≤ 2). */
  readonly timeVsCeiling: number | null;
  readonly links: LinkCounts;
}

export async function benchBackfill(
  pgs: BenchPostgres,
  root: string,
  corpus: SeededCorpus,
  batchSize: number,
  withCeiling: boolean,
  log: (line: string) => void,
): Promise<BackfillFigures> {
  const copy = `${corpus.database}_ceiling`;
  if (withCeiling) await pgs.createDatabase(copy, corpus.database);
  try {
    log(`backfill: ${corpus.counts.sets} sets — running \`tsx src/cli/backfill.ts --batch-size ${batchSize}\`…`);
    const run = await runBackfillProcess(root, pgs.url(corpus.database), batchSize, log);
    const { report } = run;
    const linkedSets = report.sets.linked + report.sets.linkedByName;
    if (report.unmatched.length > 0 || linkedSets !== corpus.counts.sets || report.sessions.total !== corpus.counts.sessions) {
      throw new Error(
        `backfill did not link the whole bench corpus: ${JSON.stringify({ programs: report.programs, sessions: report.sessions, sets: report.sets, firstUnmatched: report.unmatched.slice(0, 3) })}`,
      );
    }
    log(`backfill: ${(run.wallMs / 1000).toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB${withCeiling ? '; SQL ceiling on a copy…' : ''}`);
    const ours = await countLinks(pgs.url(corpus.database));
    const ceiling = withCeiling ? await runBackfillCeiling(pgs.url(copy)) : null;
    if (ceiling) {
      const theirs = await countLinks(pgs.url(copy));
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        throw new Error(`the backfill ceiling did not link what the backfill linked:\n backfill ${JSON.stringify(ours)}\n ceiling  ${JSON.stringify(theirs)}`);
      }
      log(`ceiling: ${(ceiling.totalMs / 1000).toFixed(1)} s ${JSON.stringify(ceiling.statementsMs)}`);
    }
    const rows = corpus.counts.programs + corpus.counts.sessions;
    return {
      users: corpus.users,
      programs: corpus.counts.programs,
      sessions: corpus.counts.sessions,
      sets: corpus.counts.sets,
      backfill: {
        wallSeconds: run.wallMs / 1000,
        rowsPerSecond: report.rowsPerSecond,
        setsPerSecond: corpus.counts.sets / (report.durationMs / 1000),
        peakRssMb: run.peakRssMb,
        peakRssSource: run.peakRssSource,
        batchSize,
      },
      ceiling: ceiling && {
        seconds: ceiling.totalMs / 1000,
        rowsPerSecond: rows / (ceiling.totalMs / 1000),
        setsPerSecond: corpus.counts.sets / (ceiling.totalMs / 1000),
        statementsMs: ceiling.statementsMs,
      },
      timeVsCeiling: ceiling && run.wallMs / ceiling.totalMs,
      links: ours,
    };
  } finally {
    if (withCeiling) await pgs.dropDatabase(copy);
  }
}
