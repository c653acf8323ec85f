import type { BenchPostgres } from './bench-postgres.js';
import { countLinks, runBackfillCeiling, type LinkCounts } from './backfill-ceiling.js';
import { BackfillFailed, runBackfillProcess, type BackfillRun } from './backfill-process.js';
import type { SeededCorpus } from './corpus-database.js';

/** The backfill at one corpus size, beside its SQL ceiling on an identical copy of the legacy data. */
export interface BackfillFigures {
  readonly users: number;
  readonly programs: number;
  readonly sessions: number;
  readonly sets: number;
  readonly backfill: {
    /** The command line run (that of `npm run backfill`). */
    readonly command: string;
    readonly wallSeconds: number;
    /** The command's own figure: programs + sessions per second (null when the run failed). */
    readonly rowsPerSecond: number | null;
    readonly setsPerSecond: number | null;
    readonly peakRssMb: number;
    readonly peakRssSource: string;
    readonly batchSize: number;
    /**
     * Set when `npm run backfill` failed on this corpus (e.g. out of memory
     * under its heap cap). The bench then resumes it without the cap, so that
     * the corpus is versioned and the rest can be measured; the figures above
     * are then those of the failed attempt.
     */
    readonly failure?: { readonly exitCode: number | null; readonly message: string; readonly resumedUncappedSeconds: number };
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
    log(`backfill: ${corpus.counts.sets} sets — running \`npm run backfill -- --batch-size ${batchSize}\`'s command line…`);
    let run: BackfillRun;
    let failure: { failed: BackfillFailed; resumedUncappedSeconds: number } | null = null;
    try {
      run = await runBackfillProcess(root, pgs.url(corpus.database), batchSize, log);
    } catch (error) {
      if (!(error instanceof BackfillFailed)) throw error;
      log(`BACKFILL FAILED: ${error.message.split('\n')[0]} — resuming it without the heap cap so the corpus gets versioned`);
      run = await runBackfillProcess(root, pgs.url(corpus.database), batchSize, log, { uncapped: true });
      failure = { failed: error, resumedUncappedSeconds: run.wallMs / 1000 };
    }
    const { report } = run;
    const linkedSets = report.sets.linked + report.sets.linkedByName;
    // A resumed run reports only what it did itself: check the database instead.
    if (report.unmatched.length > 0 || (!failure && (linkedSets !== corpus.counts.sets || report.sessions.total !== corpus.counts.sessions))) {
      throw new Error(
        `backfill did not link the whole bench corpus: ${JSON.stringify({ programs: report.programs, sessions: report.sessions, sets: report.sets, firstUnmatched: report.unmatched.slice(0, 3) })}`,
      );
    }
    log(`backfill: ${(run.wallMs / 1000).toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB${withCeiling ? '; SQL ceiling on a copy…' : ''}`);
    const ours = await countLinks(pgs.url(corpus.database));
    if (ours.linkedSets !== corpus.counts.sets || ours.linkedSessions !== corpus.counts.sessions || ours.nullSnapshots !== 0) {
      throw new Error(`after the backfill the corpus is not fully linked: ${JSON.stringify(ours)}`);
    }
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
        command: run.command,
        wallSeconds: failure ? failure.failed.wallMs / 1000 : run.wallMs / 1000,
        rowsPerSecond: failure ? null : report.rowsPerSecond,
        setsPerSecond: failure ? null : corpus.counts.sets / (report.durationMs / 1000),
        peakRssMb: failure ? failure.failed.peakRssMb : run.peakRssMb,
        peakRssSource: run.peakRssSource,
        batchSize,
        ...(failure && {
          failure: { exitCode: failure.failed.exitCode, message: failure.failed.message.slice(0, 2000), resumedUncappedSeconds: failure.resumedUncappedSeconds },
        }),
      },
      ceiling: ceiling && {
        seconds: ceiling.totalMs / 1000,
        rowsPerSecond: rows / (ceiling.totalMs / 1000),
        setsPerSecond: corpus.counts.sets / (ceiling.totalMs / 1000),
        statementsMs: ceiling.statementsMs,
      },
      timeVsCeiling: ceiling && !failure ? run.wallMs / ceiling.totalMs : null,
      links: ours,
    };
  } finally {
    if (withCeiling) await pgs.dropDatabase(copy);
  }
}
