import { Writable } from 'node:stream';
import pino from 'pino';
import type { RunningApp } from '../../src/server/app.js';
import { startTestApp } from './test-app.js';
import type { TestDatabase } from './test-database.js';

/** A JSON log line the app wrote at warn level or above (shadow-read mismatches among them). */
export interface LoggedLine {
  readonly msg?: string;
  readonly operation?: string;
  readonly subject?: string;
  readonly paths?: string[];
}

/**
 * The app in Phase 4 with every versioned request shadow-read (and a generous
 * shadow-read timeout, so a busy machine does not skip comparisons), and the
 * warnings it logs, parsed, in `logged` as they arrive.
 */
export async function startShadowReadingApp(db: TestDatabase): Promise<{ app: RunningApp; logged: LoggedLine[] }> {
  const logged: LoggedLine[] = [];
  const sink = new Writable({
    write(chunk, _, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
      done();
    },
  });
  const { app } = await startTestApp(
    { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', SHADOW_READ_SAMPLE: '1', SHADOW_READ_TIMEOUT_MS: '30000' },
    db,
    { log: pino({ level: 'warn' }, sink) },
  );
  return { app, logged };
}
