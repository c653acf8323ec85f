import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { normaliseFlags, type EvaluatedFlags } from '../../src/flags/legal-phase.js';
import type { TestApp } from '../support/test-app.js';

/** Flag files in flagd's JSON, written as an operator's deploy tool would, and a log to watch them take effect. */

/** A boolean flagd flag that is on or off for everyone. */
export const fixed = (on: boolean) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: on ? 'on' : 'off' });

/**
 * A percentage through flagd's `fractional`. Without a bucketing key flagd
 * hashes the flag key with the user id, so each flag buckets users on its own;
 * with `nested`, every flag hashes the user id alone and rollouts nest.
 */
export function fractional(percent: number, nested = false) {
  const buckets = [
    ['on', percent],
    ['off', 100 - percent],
  ];
  return { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { fractional: nested ? [{ var: 'targetingKey' }, ...buckets] : buckets } };
}

/** The file for one of the four phases. */
export function phaseFile(phase: 1 | 2 | 4 | 5) {
  return {
    flags: {
      PROGRAM_VERSIONING_WRITES: fixed(phase >= 2),
      PROGRAM_VERSIONING_READS: fixed(phase >= 4),
      LEGACY_JSON_WRITES: fixed(phase !== 5),
    },
  };
}

export function flagFilePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'flags-')), 'flags.json');
}

/** Replaces the file in one step (write beside it, rename over it), so no reader sees half a file. */
export function writeFlagFile(path: string, content: unknown): void {
  const next = `${path}.next`;
  writeFileSync(next, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  renameSync(next, path);
}

/** A logger whose lines a test can read. */
export function capturedLog(level = 'info'): { log: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}

/**
 * Sends a probe request as `userId` until its request log line shows the
 * phase `expected` normalises to: the file change has reached the requests.
 * Gives up after `timeoutMs` (the file is polled about once a second).
 */
export async function waitForFlags(app: TestApp, lines: Record<string, any>[], userId: string, expected: EvaluatedFlags, timeoutMs = 20_000): Promise<void> {
  const want = normaliseFlags(expected).name;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const from = lines.length;
    const probe = await app.gql(`query FlagProbe { programs { id } }`, {}, userId);
    if (probe.errors?.length) throw new Error(`probe failed: ${JSON.stringify(probe.errors)}`);
    const logged = lines.slice(from).find((l) => l.operation === 'FlagProbe' && l.userId === userId);
    if (logged && logged.phase === want) return;
    if (Date.now() > deadline) throw new Error(`phase for ${userId} still ${JSON.stringify(logged?.phase)} after ${timeoutMs} ms; expected ${want}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
