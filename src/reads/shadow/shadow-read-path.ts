import type { Logger } from 'pino';
import type { ReadPath } from '../read-path.js';
import type { ReadPathPair, SnapshotReader } from '../read-snapshot.js';
import { compareShadow, type ShadowOperation } from './shadow-compare.js';
import { shadowSnapshotSlots, type SnapshotSlots } from './snapshot-slots.js';

export type ShadowOutcome = 'matched' | 'mismatched' | 'errored' | 'timed_out';

/** Where comparisons are counted (the server passes its Prometheus counter). */
export interface ShadowReadCounter {
  inc(labels: { operation: ShadowOperation; outcome: ShadowOutcome }): void;
}

export interface ShadowOptions {
  readonly counter: ShadowReadCounter;
  readonly log: Logger;
  /** A comparison not done this long after its read answered (waiting for a slot included) counts as timed out. */
  readonly timeoutMs: number;
  readonly slots?: SnapshotSlots;
}

const COMPARED: readonly ShadowOperation[] = [
  'program',
  'programs',
  'activeProgram',
  'session',
  'sessions',
  'sessionWorkout',
  'sessionWorkoutName',
  'sessionSets',
  'lastPerformance',
  'calendar',
];

interface Check {
  readonly operation: ShadowOperation;
  readonly args: readonly unknown[];
}

type Settled = { readonly versioned: unknown; readonly legacy: unknown } | { readonly error: unknown };

/**
 * Phase 4 consistency checks. Answers from `primary` (versioned) untouched;
 * once an answer is on its way, the same read runs again on BOTH paths inside
 * one read-only snapshot (`readBoth`) and the two are compared. The caller's
 * own answer is not compared: it was read at another moment than any legacy
 * read can be, so a concurrent edit would look like a mismatch. Two reads of
 * one snapshot differ only where the data differs: a mismatch is always a real
 * one. Logged with the differing paths and counted; never shown to the caller.
 */
export function withShadowReads(primary: ReadPath, readBoth: SnapshotReader, options: ShadowOptions): ReadPath {
  // Checks queued in one tick share one snapshot, so each path's loaders
  // batch them as the primary's did.
  const queued: Check[] = [];
  const enqueue = (check: Check) => {
    if (queued.length === 0) setImmediate(() => void compareInSnapshot(queued.splice(0), readBoth, options));
    queued.push(check);
  };
  const wrapped = { ...primary };
  for (const operation of COMPARED) {
    const read = primary[operation] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
      const result = await read(...args);
      enqueue({ operation, args });
      return result;
    };
  }
  return wrapped;
}

async function compareInSnapshot(checks: readonly Check[], readBoth: SnapshotReader, options: ShadowOptions): Promise<void> {
  const { counter, log, timeoutMs, slots = shadowSnapshotSlots } = options;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const compared = slots.run(() => readBoth((paths) => Promise.all(checks.map((check) => readOnBoth(paths, check)))), () => timedOut);
  try {
    const settled = await Promise.race([compared, timeout]);
    if (settled === 'timeout' || settled === undefined) {
      timedOut = true;
      compared.catch(() => undefined); // it ends on its own: the snapshot's statement_timeout bounds it
      for (const { operation } of checks) counter.inc({ operation, outcome: 'timed_out' });
      return;
    }
    settled.forEach((result, i) => report(checks[i]!, result, counter, log));
  } catch (error) {
    for (const { operation } of checks) counter.inc({ operation, outcome: 'errored' });
    log.warn({ operations: [...new Set(checks.map((c) => c.operation))], err: error }, 'shadow read failed');
  } finally {
    clearTimeout(timer);
  }
}

async function readOnBoth(paths: ReadPathPair, { operation, args }: Check): Promise<Settled> {
  const call = (path: ReadPath) => (path[operation] as (...a: readonly unknown[]) => Promise<unknown>)(...args);
  try {
    const [versioned, legacy] = await Promise.all([call(paths.versioned), call(paths.legacy)]);
    return { versioned, legacy };
  } catch (error) {
    return { error };
  }
}

function report(check: Check, result: Settled, counter: ShadowReadCounter, log: Logger): void {
  const { operation } = check;
  if ('error' in result) {
    counter.inc({ operation, outcome: 'errored' });
    log.warn({ operation, err: result.error }, 'shadow read failed');
    return;
  }
  const paths = compareShadow(operation, result.versioned, result.legacy);
  counter.inc({ operation, outcome: paths.length ? 'mismatched' : 'matched' });
  if (paths.length) log.warn({ operation, subject: subjectOf(check.args), paths }, 'shadow read mismatch: versioned and legacy reads differ');
}

/** What the read was about, for the log: the id it was given, or the session's id. */
function subjectOf(args: readonly unknown[]): string | undefined {
  const [first] = args;
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && 'id' in first && typeof first.id === 'string') return first.id;
  return undefined;
}
