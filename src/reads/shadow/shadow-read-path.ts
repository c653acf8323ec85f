import type { Logger } from 'pino';
import type { Metrics } from '../../server/metrics.js';
import type { ReadPath } from '../read-path.js';
import { compareShadow, type ShadowOperation } from './shadow-compare.js';

export interface ShadowOptions {
  readonly metrics: Metrics;
  readonly log: Logger;
  /** The legacy read gives up after this long: counted as timed out. */
  readonly timeoutMs: number;
}

const COMPARED: readonly ShadowOperation[] = ['program', 'programs', 'activeProgram', 'session', 'sessions', 'lastPerformance', 'calendar'];

/**
 * Phase 4 consistency checks: answers from `primary` (versioned) and, after
 * each answer is on its way, runs the same read on the legacy path and
 * compares. The response never waits for the comparison; mismatches are
 * logged with their paths and counted, never shown to the caller.
 */
export function withShadowReads(primary: ReadPath, legacy: () => ReadPath, options: ShadowOptions): ReadPath {
  let shadow: ReadPath | null = null;
  const shadowPath = () => (shadow ??= legacy());
  // Checks queued in one tick start together in the next, so the legacy
  // path's loaders batch them as the primary's did.
  const queued: (() => void)[] = [];
  const enqueue = (start: () => void) => {
    if (queued.length === 0) setImmediate(() => queued.splice(0).forEach((run) => run()));
    queued.push(start);
  };
  const wrapped = { ...primary };
  for (const operation of COMPARED) {
    const read = primary[operation] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
      const result = await read(...args);
      enqueue(() => void check(operation, result, () => (shadowPath()[operation] as (...a: unknown[]) => Promise<unknown>)(...args), options));
      return result;
    };
  }
  return wrapped;
}

async function check(operation: ShadowOperation, versioned: unknown, readLegacy: () => Promise<unknown>, options: ShadowOptions): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
  try {
    const legacy = await Promise.race([readLegacy(), timeout]);
    if (legacy === 'timeout') {
      options.metrics.shadowReads.inc({ operation, outcome: 'timed_out' });
      return;
    }
    const paths = compareShadow(operation, versioned, legacy);
    options.metrics.shadowReads.inc({ operation, outcome: paths.length ? 'mismatched' : 'matched' });
    if (paths.length) options.log.warn({ operation, paths }, 'shadow read mismatch: versioned and legacy reads differ');
  } catch (error) {
    options.metrics.shadowReads.inc({ operation, outcome: 'errored' });
    options.log.warn({ operation, err: error }, 'shadow read failed');
  } finally {
    clearTimeout(timer);
  }
}
