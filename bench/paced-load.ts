import { readFileSync } from 'node:fs';
import http from 'node:http';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { median, type LoadTarget } from './load.js';

/**
 * Latency with headroom: requests sent at evenly spaced instants (an open
 * model), whatever the server's answers do, and each latency measured from the
 * instant the request was DUE, not from when a free connection sent it — so a
 * stall of the server counts for every request it delayed (no coordinated
 * omission).
 *
 * Why not autocannon's `overallRate`: it lets each connection send its
 * per-second quota back to back and then wait for the next second, so every
 * second starts with all connections in flight at once. "Half load" then
 * measured bursts at full concurrency, not a server with headroom.
 */
export interface PacedFigures {
  readonly targetRate: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly failures: number;
  readonly requests: number;
  /**
   * Where the slow requests were, to tell a stall of the server from one of
   * the machine or of this process: runs of consecutive requests slower than
   * `STALL_MS` (when the first was due, how many, the worst), this
   * process's own longest event-loop delay (a late loader counts against
   * the server: latency runs from when a request was due), and the share of
   * CPU time the hypervisor took from the machine during the round (steal).
   */
  readonly stalls: readonly Stall[];
  readonly loaderMaxDelayMs: number;
  /**
   * Full collections of this process's own heap during the round, and their
   * pauses: each delays every request due meanwhile. `npm run bench` sizes its
   * old generation so that there are few (bench/README.md, "The loader's own
   * full collections").
   */
  readonly loaderFullCollections: number;
  readonly loaderFullCollectionMs: number;
  readonly stealPercent: number | null;
}

export interface Stall {
  /** When the first slow request was due (wall clock). */
  readonly at: string;
  readonly requests: number;
  readonly maxMs: number;
}

/** A request this much slower than due starts (or continues) a stall. */
const STALL_MS = 100;
/** Stalls kept per round: the worst. */
const STALLS_KEPT = 5;

export interface PacedPlan {
  /** Requests per second, evenly spaced. */
  readonly rate: number;
  readonly seconds: number;
  /** Open connections at most (keep-alive): enough that a slow answer never holds back the next request. */
  readonly maxConnections: number;
}

export async function pacedRound(target: LoadTarget, plan: PacedPlan): Promise<PacedFigures> {
  const url = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.maxConnections });
  const interval = 1000 / plan.rate;
  const total = Math.max(1, Math.round(plan.rate * plan.seconds));
  const latencies: number[] = [];
  const byIndex = new Float64Array(total);
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const fullCollections = observeFullCollections();
  const cpuBefore = cpuTicks();
  const wallStarted = Date.now();
  const started = performance.now();
  loopDelay.enable();
  try {
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const variant = target.variants[i % target.variants.length]!;
      const request = send(agent, url, variant.headers, variant.body).then(
        (ok) => {
          latencies.push((byIndex[i] = performance.now() - due));
          if (!ok) failures += 1;
        },
        () => {
          latencies.push((byIndex[i] = performance.now() - due));
          failures += 1;
        },
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
  } finally {
    loopDelay.disable();
    agent.destroy();
  }
  const own = await fullCollections.stop();
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    targetRate: plan.rate,
    requestsPerSecond: total / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1)!,
    failures,
    requests: total,
    stalls: stallsOf(byIndex, (i) => new Date(wallStarted + i * interval).toISOString()),
    loaderMaxDelayMs: loopDelay.max / 1e6,
    loaderFullCollections: own.count,
    loaderFullCollectionMs: own.ms,
    stealPercent: stealPercent(cpuBefore, cpuTicks()),
  };
}

/** Counts this process's full (mark-compact) collections until `stop()`, which waits for the entries still queued. */
function observeFullCollections(): { stop(): Promise<{ count: number; ms: number }> } {
  let count = 0;
  let ms = 0;
  const take = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      if (((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      count += 1;
      ms += entry.duration;
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // GC entries are delivered on a later turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 10));
      observer.disconnect();
      return { count, ms };
    },
  };
}

/** Runs of consecutive requests slower than `STALL_MS`, the worst `STALLS_KEPT`, in time order. */
export function stallsOf(latencyByRequest: ArrayLike<number>, dueAt: (index: number) => string): Stall[] {
  const stalls: { first: number; requests: number; maxMs: number }[] = [];
  let current: (typeof stalls)[number] | null = null;
  for (let i = 0; i < latencyByRequest.length; i++) {
    const ms = latencyByRequest[i]!;
    if (ms < STALL_MS) {
      current = null;
      continue;
    }
    if (!current) stalls.push((current = { first: i, requests: 0, maxMs: 0 }));
    current.requests += 1;
    current.maxMs = Math.max(current.maxMs, ms);
  }
  return stalls
    .sort((a, b) => b.maxMs - a.maxMs)
    .slice(0, STALLS_KEPT)
    .sort((a, b) => a.first - b.first)
    .map(({ first, requests, maxMs }) => ({ at: dueAt(first), requests, maxMs }));
}

/** The machine's CPU ticks (all, steal) from /proc/stat; null where there is none. */
function cpuTicks(): { total: number; steal: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

function stealPercent(before: ReturnType<typeof cpuTicks>, after: ReturnType<typeof cpuTicks>): number | null {
  if (!before || !after || after.total === before.total) return null;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}

/** `rounds` paced rounds; each figure is the median over them (as `measure` reports autocannon's). */
export async function measurePaced(target: LoadTarget, plan: PacedPlan & { rounds: number }): Promise<PacedFigures & { rounds: readonly PacedFigures[] }> {
  const rounds: PacedFigures[] = [];
  for (let i = 0; i < plan.rounds; i++) rounds.push(await pacedRound(target, plan));
  return {
    targetRate: plan.rate,
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    maxMs: median(rounds.map((r) => r.maxMs)),
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    stalls: rounds.flatMap((r) => r.stalls),
    loaderMaxDelayMs: Math.max(...rounds.map((r) => r.loaderMaxDelayMs)),
    loaderFullCollections: rounds.reduce((n, r) => n + r.loaderFullCollections, 0),
    loaderFullCollectionMs: rounds.reduce((n, r) => n + r.loaderFullCollectionMs, 0),
    // Unknown (no /proc/stat) stays unknown, not 0%.
    stealPercent: rounds.some((r) => r.stealPercent !== null) ? median(rounds.flatMap((r) => (r.stealPercent === null ? [] : [r.stealPercent]))) : null,
    rounds,
  };
}

/** One POST; true for a 2xx answer without GraphQL errors (as the autocannon rounds count failures). */
function send(agent: http.Agent, url: URL, headers: Record<string, string>, body: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve(status >= 200 && status < 300 && !Buffer.concat(chunks).includes('"errors"'));
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(body);
  });
}
