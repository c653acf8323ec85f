import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ReasonTally, summarise, type UnmatchedItem } from '../backfill/backfill-report.js';
import { BackfillBusy, runBackfill } from '../backfill/backfill-runner.js';
import { streamItems } from '../backfill/backfill-store.js';
import { writeReportFile } from '../backfill/report-file.js';
import { createProgress } from './progress.js';
import { CommandFailed, runCommand, UsageError } from './run-command.js';

const USAGE = 'usage: npm run backfill -- [--dry-run] [--batch-size N] [--report FILE]';

await runCommand(async ({ orm, out, url }) => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { 'dry-run': { type: 'boolean', default: false }, 'batch-size': { type: 'string', default: '500' }, report: { type: 'string' } },
    strict: true,
  });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError(`--batch-size must be an integer from 1 to 10000\n${USAGE}`);
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
  const progress = createProgress(dryRun ? 'backfill (dry run)' : 'backfill');
  try {
    const outcome = await runBackfill(orm, {
      url,
      dryRun,
      batchSize,
      onProgress: ({ phase, done, total }) => progress.update(done, total, phase),
      onItems: (items) => {
        if (spool && items.length) appendFileSync(spool, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
      },
      onResume: (run) => process.stderr.write(`resuming interrupted run ${run.id} (phase ${run.phase}, after ${run.last_key ?? 'the start'})\n`),
    });
    progress.stop();
    const tally = new ReasonTally();
    const items = async function* (): AsyncGenerator<UnmatchedItem> {
      const source = spool ? readSpool(spool) : streamItems(orm.em.fork(), outcome.runId!);
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
