import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** How big the corpus is and how long each load runs; `--quick` for CI-sized runs. */
export interface BenchOptions {
  readonly mode: 'quick' | 'full';
  /** Athletes in the HTTP corpus (the larger backfill size). */
  readonly users: number;
  /** Athletes in the smaller backfill corpus (the memory-flatness check). */
  readonly smallUsers: number;
  /** Users owning 50 programs each, for `_entities` with 50 Program keys. */
  readonly libraryUsers: number;
  /** Weeks of history per athlete (3 sessions a week). */
  readonly weeks: number;
  /** Rows per statement when seeding (sets; sessions and programs follow the same user chunks). */
  readonly seedChunkUsers: number;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly roundSeconds: number;
  /** Users whose payloads are compared across ours, the peer and the ceiling before loading. */
  readonly equivalenceUsers: number;
  readonly skipStartup: boolean;
  readonly skipBackfill: boolean;
  readonly backfillBatchSize: number;
  /**
   * The backfill's SQL ceiling runs on corpus sizes up to this many sets: at
   * the full corpus it would add as long again as the backfill itself.
   */
  readonly ceilingMaxSets: number;
  readonly resultsFile: string;
  /**
   * Another checkout (say, `git worktree add ../base <commit>`, with its node_modules) whose server is
   * measured beside ours on the same corpus for sessions, calendar, `_entities`×50 and `modifyProgram`,
   * rounds interleaved: the other operations' target compares with it. Unset: with the last full run's figures.
   */
  readonly baselineRoot: string | null;
}

const USAGE = 'usage: npm run bench -- [--quick] [--users N] [--rounds N] [--round-seconds N] [--skip-startup] [--skip-backfill] [--ceiling-all-sizes] [--baseline-root DIR] [--results FILE]';

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export function readBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      users: { type: 'string' },
      rounds: { type: 'string' },
      'round-seconds': { type: 'string' },
      'skip-startup': { type: 'boolean', default: false },
      'skip-backfill': { type: 'boolean', default: false },
      'ceiling-all-sizes': { type: 'boolean', default: false },
      results: { type: 'string', default: 'bench/results.json' },
      'baseline-root': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new BenchUsageError(USAGE);
  const quick = values.quick;
  const base: BenchOptions = quick
    ? {
        mode: 'quick',
        users: 120,
        smallUsers: 40,
        libraryUsers: 5,
        weeks: 52,
        seedChunkUsers: 60,
        connections: 16,
        warmupSeconds: 2,
        rounds: 3,
        roundSeconds: 3,
        equivalenceUsers: 5,
        skipStartup: false,
        skipBackfill: false,
        backfillBatchSize: 500,
        ceilingMaxSets: Number.POSITIVE_INFINITY,
        resultsFile: values.results,
        baselineRoot: null,
      }
    : {
        mode: 'full',
        users: 2000,
        smallUsers: 350,
        libraryUsers: 20,
        weeks: 52,
        seedChunkUsers: 50,
        connections: 16,
        warmupSeconds: 5,
        rounds: 5,
        roundSeconds: 8,
        equivalenceUsers: 20,
        skipStartup: false,
        skipBackfill: false,
        backfillBatchSize: 500,
        ceilingMaxSets: values['ceiling-all-sizes'] ? Number.POSITIVE_INFINITY : 2_000_000,
        resultsFile: values.results,
        baselineRoot: null,
      };
  const users = positiveInt(values.users, 'users') ?? base.users;
  return {
    ...base,
    users,
    smallUsers: Math.max(1, Math.min(base.smallUsers, Math.floor(users / 2))),
    rounds: positiveInt(values.rounds, 'rounds') ?? base.rounds,
    roundSeconds: positiveInt(values['round-seconds'], 'round-seconds') ?? base.roundSeconds,
    skipStartup: values['skip-startup'],
    skipBackfill: values['skip-backfill'],
    baselineRoot: baselineRoot(values['baseline-root']),
  };
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BenchUsageError(`--${name} must be a positive integer\n${USAGE}`);
  return n;
}

function baselineRoot(value: string | undefined): string | null {
  if (value === undefined) return null;
  const root = resolve(value);
  if (!existsSync(join(root, 'src', 'cli', 'start.ts'))) throw new BenchUsageError(`--baseline-root ${root}: no src/cli/start.ts there\n${USAGE}`);
  return root;
}
