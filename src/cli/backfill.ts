import './v8-flags.js';
import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ReasonTally, summarise, type UnmatchedItem } from '../backfill/backfill-report.js';
import { BackfillBusy, runBackfill } from '../backfill/backfill-runner.js';
import { MAX_SHARDS, parseShard, WHOLE } from '../backfill/backfill-shard.js';
import { streamItems } from '../backfill/backfill-store.js';
import { runBackfillWorkers } from '../backfill/backfill-workers.js';
import { writeReportFile } from '../backfill/report-file.js';
import { createOrm } from '../db/orm.js';
import { createProgress } from './progress.js';
import { CommandFailed, runCommand, UsageError } from './run-command.js';

const USAGE = 'usage: npm run backfill -- [--dry-run] [--batch-size N] [--report FILE] [--shard K/N | --workers N]';
/** Each worker holds a connection for its batches (and one for its advisory locks). */
const MAX_WORKERS = 64;

await runCommand(async ({ orm, out, url }) => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'dry-run': { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '500' },
      report: { type: 'string' },
      shard: { type: 'string' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError(`--batch-size must be an integer from 1 to 10000\n${USAGE}`);
  const shard = values.shard === undefined ? WHOLE : parseShard(values.shard);
  if (shard === null) throw new UsageError(`--shard must be K/N with 1 ≤ K ≤ N ≤ ${MAX_SHARDS} (got ${JSON.stringify(values.shard)})`);
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!/^[1-9]\d*$/.test(values.workers ?? '1') || workers > MAX_WORKERS) throw new UsageError(`--workers must be an integer from 1 to ${MAX_WORKERS} (got ${JSON.stringify(values.workers)})`);
  if (workers > 1 && values.shard !== undefined) throw new UsageError('--shard and --workers exclude each other: --workers N runs the N shards of a split in this process');
  if (workers > 1 && values['dry-run']) throw new UsageError('--dry-run runs as one worker: drop --workers (or dry-run one shard with --shard K/N)');
  if (values.report !== undefined) {
    // Fail on an unwritable path before any work.
    try {
      writeFileSync(values.report, '');
    } catch (error) {
      throw new CommandFailed(`cannot write the report to ${values.report}: ${(error as Error).message}`);
    }
  }
  const dryRun = values['dry-run'];

  // A dry run keeps its items in a spool file (there is no item table to read back).
  const spoolDir = dryRun ? mkdtempSync(join(tmpdir(), 'backfill-')) : null;
  const spool = spoolDir ? join(spoolDir, 'items.ndjson') : null;
  const title = `backfill${values.shard === undefined ? '' : ` shard ${values.shard}`}${workers > 1 ? ` (${workers} workers)` : ''}${dryRun ? ' (dry run)' : ''}`;
  const progress = createProgress(title);
  // The command's own pool has a few connections; N workers need one each at once.
  const workersOrm = workers > 1 ? await createOrm({ url, poolMax: workers + 2 }) : null;
  try {
    const onResume = (run: { id: string; phase: string; last_key: string | null; shard_index: number; shard_count: number }) =>
      process.stderr.write(
        `resuming interrupted run ${run.id}${run.shard_count > 1 ? ` of shard ${run.shard_index + 1}/${run.shard_count}` : ''} (phase ${run.phase}, after ${run.last_key ?? 'the start'})\n`,
      );
    const outcome = workersOrm
      ? await runBackfillWorkers(workersOrm, { url, batchSize, workers, onProgress: ({ done, total, label }) => progress.update(done, total, label), onResume })
      : await runBackfill(orm, {
          url,
          dryRun,
          batchSize,
          shard,
          onProgress: ({ phase, done, total }) => progress.update(done, total, phase),
          onItems: (items) => {
            if (spool && items.length) appendFileSync(spool, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
          },
          onResume,
        });
    progress.stop();
    const runIds = outcome.shards ? outcome.shards.map((s) => s.runId!) : [outcome.runId!];
    const tally = new ReasonTally();
    const items = async function* (): AsyncGenerator<UnmatchedItem> {
      const source = spool ? readSpool(spool) : streamItems(orm.em.fork(), runIds);
      for await (const item of source) {
        tally.add(item);
        yield item;
      }
    };
    if (values.report !== undefined) await writeReportFile(values.report, outcome, items());
    else for await (const _ of items()) void _;
    out(summarise(outcome, tally));
    if (values.report !== undefined) out(`report written to ${values.report}`);
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof BackfillBusy) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await workersOrm?.close();
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
}, { usage: USAGE });

async function* readSpool(path: string): AsyncGenerator<UnmatchedItem> {
  let exists = true;
  const stream = createReadStream(path, { encoding: 'utf8' }).on('error', () => (exists = false));
  if (!exists) return;
  try {
    for await (const line of createInterface({ input: stream })) if (line) yield JSON.parse(line) as UnmatchedItem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
