import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `src/cli/v8-flags.ts` turns off V8's allocation-site pretenuring for the
 * long-running commands. Without it, objects from a site whose objects once
 * survived a minor collection are allocated in the old generation from then
 * on, and only full collections free them (README, "Why it is fast").
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROBE = join(ROOT, 'test/support/pretenuring-probe.mjs');

/** The share of short-lived objects V8 allocated straight in the old generation. */
function pretenuredShare(preload?: string): number {
  const args = ['--allow-natives-syntax', '--single-threaded', '--import', 'tsx', PROBE, ...(preload ? [preload] : [])];
  return Number(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim());
}

it('keeps short-lived objects young where V8 would have pretenured their allocation site', () => {
  // Without the module the probe's site is pretenured: the test can fail.
  expect(pretenuredShare()).toBeGreaterThan(0.5);
  expect(pretenuredShare(join(ROOT, 'src/cli/v8-flags.ts'))).toBe(0);
}, 60_000);

it.each(['start', 'backfill'])('is the first module the %s command loads', (command) => {
  const firstImport = readFileSync(join(ROOT, `src/cli/${command}.ts`), 'utf8').match(/^import .*$/m)?.[0];
  expect(firstImport).toBe("import './v8-flags.js';");
});
