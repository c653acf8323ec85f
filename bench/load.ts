import autocannon from 'autocannon';
import type { RequestVariant } from './operations.js';

/**
 * Load with autocannon: fixed connections, a warm-up that is thrown away,
 * then several rounds; each figure is the median over the rounds. Requests
 * rotate over prepared variants (one per user), so the load is spread over
 * many users' data, as in production. A response carrying GraphQL `errors`
 * counts as a failure, not as throughput.
 */
export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Per round, for the curious. */
  readonly rounds: readonly { requestsPerSecond: number; p50Ms: number; p99Ms: number }[];
  readonly failures: number;
  readonly requests: number;
}

export interface LoadTarget {
  readonly url: string;
  readonly variants: readonly RequestVariant[];
}

export interface LoadPlan {
  readonly connections: number;
  readonly seconds: number;
  /** Requests per second from all connections (open model); unset: as fast as the server answers. */
  readonly overallRate?: number;
}

export async function oneRound(target: LoadTarget, plan: LoadPlan): Promise<{ requestsPerSecond: number; p50Ms: number; p99Ms: number; failures: number; requests: number }> {
  let next = 0;
  const { variants } = target;
  const result = await autocannon({
    url: target.url,
    connections: plan.connections,
    duration: plan.seconds,
    overallRate: plan.overallRate,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          const variant = variants[next++ % variants.length]!;
          return { ...request, method: 'POST', headers: variant.headers, body: variant.body };
        },
      },
    ],
    verifyBody: (body) => !body.includes('"errors"'),
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx + result.mismatches,
    requests: result.requests.total,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarise(rounds: readonly Awaited<ReturnType<typeof oneRound>>[]): LoadFigures {
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    rounds: rounds.map(({ requestsPerSecond, p50Ms, p99Ms }) => ({ requestsPerSecond, p50Ms, p99Ms })),
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
  };
}

/** Warm-up, then `rounds` rounds of one target. */
export async function measure(target: LoadTarget, plan: LoadPlan & { warmupSeconds: number; rounds: number }): Promise<LoadFigures> {
  if (plan.warmupSeconds > 0) await oneRound(target, { ...plan, seconds: plan.warmupSeconds });
  const rounds = [];
  for (let i = 0; i < plan.rounds; i++) rounds.push(await oneRound(target, plan));
  return summarise(rounds);
}

/**
 * Several targets compared in the same run: each warmed up, then the rounds
 * interleaved (A B C, A B C, …) so that drift of the machine affects all alike.
 */
export async function measureInterleaved(
  targets: Readonly<Record<string, LoadTarget>>,
  plan: LoadPlan & { warmupSeconds: number; rounds: number },
): Promise<Record<string, LoadFigures>> {
  const names = Object.keys(targets);
  for (const name of names) if (plan.warmupSeconds > 0) await oneRound(targets[name]!, { ...plan, seconds: plan.warmupSeconds });
  const rounds: Record<string, Awaited<ReturnType<typeof oneRound>>[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < plan.rounds; i++) for (const name of names) rounds[name]!.push(await oneRound(targets[name]!, plan));
  return Object.fromEntries(names.map((n) => [n, summarise(rounds[n]!)]));
}
