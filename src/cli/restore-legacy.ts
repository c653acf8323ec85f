import { parseArgs } from 'node:util';
import { restoreLegacy } from '../restore-legacy/restore-legacy.js';
import { runCommand } from './run-command.js';

/** `npm run restore-legacy`: rewrite every legacy blob that is behind its program's current version. */
await runCommand(async ({ orm, out }) => {
  parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: false });
  const restored = await restoreLegacy(orm, {
    batchSize: 200,
    onProgress: (n) => process.stderr.write(`${new Date().toISOString()} restore-legacy: ${n} program(s) rewritten\n`),
  });
  out(restored === 0 ? 'nothing to restore: every legacy blob holds its program’s current version' : `restored ${restored} program blob(s) from their current version`);
  return 0;
}, { usage: 'usage: npm run restore-legacy' });
