import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The latest backfill's runs, one per shard (`K/N`; `1/1` for a run over
 * every user), read at scrape time (the backfill runs in its own process).
 */
export type BackfillCountsSource = () => Promise<readonly { shard: string; status: string; counts: Record<'programs' | 'sessions' | 'sets', Record<string, number>> }[]>;

/** Every Prometheus metric of one server, on a registry of its own (several servers may share a test process). */
export class Metrics {
  readonly registry = new Registry();

  readonly shadowReads = new Counter({
    name: 'training_shadow_reads_total',
    help: 'Phase 4 shadow reads: versioned reads compared with the legacy read, by operation and outcome (matched, mismatched, errored, timed_out)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly requests = new Histogram({
    name: 'training_graphql_request_duration_seconds',
    help: 'GraphQL operations by operation name, read path and outcome',
    labelNames: ['operation', 'path', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'training_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly flagNormalisations = new Counter({
    name: 'training_flag_normalisations_total',
    help: 'Flag evaluations (one per user while the flags stay as they are, where they are kept; see the README) that were not a legal phase and were normalised to the nearest safe one: by the evaluated flags (from) and the phase used (to)',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  readonly flagFileInvalid = new Counter({
    name: 'training_flag_file_invalid_total',
    help: 'Changes to FLAGS_FILE that left it unusable (not JSON, not boolean flags, a rule flagd cannot evaluate, unreadable): the last good flags stayed in force',
    registers: [this.registry],
  });

  readonly replicaTrees = new Counter({
    name: 'training_read_replica_trees_total',
    help: 'With DATABASE_READ_URL: version trees the process cache did not hold, by outcome: hit (read from the replica), miss (not on the replica yet: read from the primary), fallback (replica down, slow or skipped: read from the primary)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly responseCache = new Counter({
    name: 'training_response_cache_total',
    help: 'Operations that select only what the active program validator covers (the workout screen): hit (the kept answer, executed under the same validator, served without executing) or miss (executed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly replicaFailures = new Counter({
    name: 'training_read_replica_failures_total',
    help: 'Reads from DATABASE_READ_URL that failed (error) or ran past DATABASE_READ_TIMEOUT_MS (timeout); after each, reads skip the replica for DATABASE_READ_RETRY_MS',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(backfill?: BackfillCountsSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'training_' });
    if (!backfill) return;
    new Gauge({
      name: 'training_backfill_records',
      help: "The latest backfill's records by shard (K/N; 1/1 for a run over every user), that shard's run status (running, completed, failed), kind (programs, sessions, sets) and outcome (total, linked, linkedByName, unmatched, versioned, …)",
      labelNames: ['kind', 'outcome', 'status', 'shard'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const runs = await backfill().catch(() => []);
        for (const { shard, status, counts } of runs) {
          for (const kind of ['programs', 'sessions', 'sets'] as const) {
            for (const [outcome, value] of Object.entries(counts[kind])) this.set({ kind, outcome, status, shard }, value);
          }
        }
      },
    });
  }
}
