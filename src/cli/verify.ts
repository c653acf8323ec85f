import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { runVerify, type Mismatch } from '../verify/verify-runner.js';
import { createProgress } from './progress.js';
import { runCommand, UsageError } from './run-command.js';

const USAGE = 'usage: npm run verify -- [--report FILE] [--batch-size N]';
const SHOWN = 20;

/** `npm run verify`: legacy vs versioned reads of every program and session; exit 1 on any mismatch. */
await runCommand(async ({ orm, out }) => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { report: { type: 'string' }, 'batch-size': { type: 'string', default: '500' } },
    strict: true,
  });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError(`--batch-size must be an integer from 1 to 10000\n${USAGE}`);
  const file = values.report ? createWriteStream(values.report, { encoding: 'utf8' }) : null;
  if (file) await once(file, 'open');
  file?.write('{\n  "mismatches": [');
  let written = 0;
  const shown: Mismatch[] = [];
  const progress = createProgress('verify');
  const counts = await runVerify(orm, {
    batchSize,
    onProgress: (done, total, phase) => progress.update(done, total, phase),
    onMismatch: (mismatch) => {
      file?.write(`${written === 0 ? '\n' : ',\n'}    ${JSON.stringify(mismatch)}`);
      written += 1;
      if (shown.length < SHOWN) shown.push(mismatch);
    },
  });
  progress.stop();
  if (file) {
    file.write(`${written ? '\n  ' : ''}],\n  "programs": ${JSON.stringify(counts.programs)},\n  "sessions": ${JSON.stringify(counts.sessions)},\n  "ok": ${written === 0}\n}\n`);
    file.end();
    await once(file, 'finish');
  }
  const p = counts.programs;
  const s = counts.sessions;
  out(`programs: ${p.total} — ${p.matched} match, ${p.mismatched} differ, ${p.unversioned} not versioned yet (read from the blob on both paths)`);
  out(`sessions: ${s.total} — ${s.matched} match, ${s.mismatched} differ`);
  for (const m of shown) out(`  ${m.kind} ${m.id} (user ${m.userId}) ${m.reason}: ${m.paths.slice(0, 5).join(', ')}${m.paths.length > 5 ? ', …' : ''}`);
  if (written > shown.length) out(`  … and ${written - shown.length} more${values.report ? ` in ${values.report}` : ''}`);
  out(written === 0 ? 'OK: legacy and versioned reads agree' : `MISMATCH: ${written} record(s) read differently`);
  return written === 0 ? 0 : 1;
}, { usage: USAGE });
