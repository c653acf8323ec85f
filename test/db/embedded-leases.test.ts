import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLeases } from '../../src/db/embedded-leases.js';

/**
 * The lock that serialises starting and stopping the embedded server is a file
 * holding its owner's pid. A process that died between creating it and writing
 * its pid left it empty, and every later start waited for it, then failed.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'training-leases-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function leftLock(content: string, ageMs: number): void {
  mkdirSync(`${join(dir, 'pg')}.leases`, { recursive: true });
  const lock = join(`${join(dir, 'pg')}.leases`, 'lock');
  writeFileSync(lock, content);
  const when = new Date(Date.now() - ageMs);
  utimesSync(lock, when, when);
}

it('takes over a lock left empty by a writer that died long ago', async () => {
  leftLock('', 60_000);
  await expect(new EmbeddedLeases(join(dir, 'pg')).exclusively(async () => 'ran', 1_000)).resolves.toBe('ran');
});

it('takes over a lock whose holder is dead', async () => {
  leftLock('2147483646', 0);
  await expect(new EmbeddedLeases(join(dir, 'pg')).exclusively(async () => 'ran', 1_000)).resolves.toBe('ran');
});

it('waits for a lock being written right now (empty, just created), then gives up with the reason', async () => {
  leftLock('', 0);
  await expect(new EmbeddedLeases(join(dir, 'pg')).exclusively(async () => 'ran', 300)).rejects.toThrow(/has been held for over 300 ms/);
});

it('waits for a live holder', async () => {
  leftLock(String(process.ppid), 60_000);
  await expect(new EmbeddedLeases(join(dir, 'pg')).exclusively(async () => 'ran', 300)).rejects.toThrow(/being started or stopped by process/);
});
