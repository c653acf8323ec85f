import type { MikroORM } from '@mikro-orm/postgresql';
import { addCounts, emptyCounts, type BackfillOutcome } from './backfill-report.js';
import { runBackfill, type BackfillOptions, type BackfillProgress } from './backfill-runner.js';
import { formatShard } from './backfill-shard.js';

export interface WorkersProgress {
  /** Rows (programs + sessions) of every shard processed so far, resumed work included. */
  readonly done: number;
  readonly total: number;
  /** Shards in each phase, e.g. `programs 1, sessions 2`; finished shards are counted as `done`. */
  readonly label: string;
}

export interface WorkersOptions extends Omit<BackfillOptions, 'shard' | 'signal' | 'onProgress' | 'dryRun'> {
  readonly workers: number;
  readonly onProgress?: (progress: WorkersProgress) => void;
}

/**
 * `--workers N`: the N shards of a split into N, side by side in this
 * process, each on its own connection with its own run and checkpoint —
 * exactly as N `--shard K/N` commands would, so a killed worker run resumes
 * with `--workers N` or shard by shard. The first failure stops the others
 * between batches (their checkpoints stay). The outcome adds the shards' counts
 * up; its items are the union of theirs (disjoint by user).
 */
export async function runBackfillWorkers(orm: MikroORM, options: WorkersOptions): Promise<BackfillOutcome> {
  const started = Date.now();
  const stop = new AbortController();
  const latest: (BackfillProgress | 'done' | undefined)[] = Array.from({ length: options.workers }, () => undefined);
  const report = () => {
    let done = 0;
    let total = 0;
    const phases = new Map<string, number>();
    for (const p of latest) {
      if (p === undefined) continue;
      const phase = p === 'done' ? 'done' : p.phase;
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
      if (p !== 'done') {
        done += p.done;
        total += p.total;
      }
    }
    return { done, total, phases };
  };
  const finished: { done: number; total: number }[] = [];
  const emit = () => {
    const { done, total, phases } = report();
    const doneRows = finished.reduce((sum, f) => sum + f.done, 0);
    const label = ['programs', 'sessions', 'done'].filter((p) => phases.has(p)).map((p) => `${p} ${phases.get(p)}`).join(', ');
    options.onProgress?.({ done: done + doneRows, total: total + finished.reduce((sum, f) => sum + f.total, 0), label: `shards: ${label}` });
  };

  const settled = await Promise.allSettled(
    Array.from({ length: options.workers }, async (_, index) => {
      try {
        const outcome = await runBackfill(orm, {
          ...options,
          dryRun: false,
          shard: { index, count: options.workers },
          signal: stop.signal,
          onProgress: (progress) => {
            latest[index] = progress;
            emit();
          },
        });
        const rows = outcome.programs.total + outcome.sessions.total;
        latest[index] = 'done';
        finished.push({ done: rows, total: rows });
        emit();
        return outcome;
      } catch (error) {
        stop.abort(error);
        throw error;
      }
    }),
  );
  // The others stopped with the first failure's own error (`throwIfAborted` throws the abort reason).
  if (stop.signal.aborted) throw stop.signal.reason;

  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<BackfillOutcome>).value);
  const counts = outcomes.reduce((sum, o) => addCounts(sum, o), emptyCounts());
  const durationMs = Date.now() - started;
  const rowsProcessed = outcomes.reduce((sum, o) => sum + o.rowsProcessed, 0);
  return {
    dryRun: false,
    runId: null,
    shards: outcomes.map((o, index) => ({ shard: formatShard({ index, count: options.workers }), runId: o.runId })),
    rowsProcessed,
    startedAt: outcomes.map((o) => o.startedAt).sort()[0] ?? new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs,
    rowsPerSecond: rowsProcessed / Math.max(durationMs / 1000, 0.001),
    programs: counts.programs,
    sessions: counts.sessions,
    sets: counts.sets,
    evidence: counts.evidence,
  };
}
