import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { BackfillOutcome, UnmatchedItem } from './backfill-report.js';

/**
 * Writes the report as JSON — the fixed keys scripts rely on first, then every
 * unmatched item — streaming the items so memory stays flat however many
 * there are.
 */
export async function writeReportFile(path: string, outcome: BackfillOutcome, items: AsyncIterable<UnmatchedItem>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  // `rowsProcessed` is there to merge shards' rates; the report gives the rate.
  const { dryRun, programs, sessions, sets, rowsProcessed: _, ...rest } = outcome;
  const head = JSON.stringify({ dryRun, programs, sessions, sets, ...rest }, null, 2);
  await write(`${head.slice(0, -2)},\n  "unmatched": [`);
  let first = true;
  for await (const item of items) {
    await write(`${first ? '\n' : ',\n'}    ${JSON.stringify({ kind: item.kind, id: item.id, reason: item.reason, detail: item.detail })}`);
    first = false;
  }
  await write(first ? ']\n}\n' : '\n  ]\n}\n');
  out.end();
  await once(out, 'finish');
}
