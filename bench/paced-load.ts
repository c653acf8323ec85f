import http from 'node:http';
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
}

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
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const variant = target.variants[i % target.variants.length]!;
      const request = send(agent, url, variant.headers, variant.body).then(
        (ok) => {
          latencies.push(performance.now() - due);
          if (!ok) failures += 1;
        },
        () => {
          latencies.push(performance.now() - due);
          failures += 1;
        },
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { targetRate: plan.rate, requestsPerSecond: total / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1)!, failures, requests: total };
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
