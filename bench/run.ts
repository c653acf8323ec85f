import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchBackfill, type BackfillFigures } from './backfill-bench.js';
import { benchWorkerScaling, type WorkerScaling } from './backfill-workers-bench.js';
import { BenchUsageError, readBenchOptions, type BenchOptions } from './bench-options.js';
import { POSTGRES_SETTINGS, startBenchPostgres, type BenchPostgres } from './bench-postgres.js';
import type { BenchResults } from './bench-results.js';
import { stopAllChildren } from './child-processes.js';
import { POOL_SIZE } from './contenders.js';
import { createCorpusDatabase } from './corpus-database.js';
import { benchHttp } from './http-bench.js';
import { renderReport } from './report-table.js';
import { benchStartup } from './startup-bench.js';

/**
 * `npm run bench [-- --quick]`: the suite bench/README.md describes.
 * Its own embedded PostgreSQL, a seeded and backfilled corpus, the backfill
 * beside its SQL ceiling at two sizes, start-up, then HTTP load on ours (both
 * read paths), the peer (PostGraphile v4) and the ceiling (one SQL statement).
 * Prints a table and writes bench/results.json. Everything it starts, it stops.
 */
/** Versioned req/s of the other operations in the full run of 2026-11-24 (bench/README.md), before the last-performance work. */
const FULL_RUN_BEFORE: Record<string, number> = { sessions: 321, calendar: 1283, entities50: 435, modifyProgram: 223 };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

let options: BenchOptions;
try {
  options = readBenchOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof BenchUsageError || error instanceof TypeError ? error.message : String(error)}\n`);
  process.exit(2);
}

let postgres: BenchPostgres | null = null;
let cleaningUp: Promise<void> | null = null;
const cleanUp = () =>
  (cleaningUp ??= (async () => {
    await stopAllChildren();
    await postgres?.stop().catch((error: unknown) => log(`could not stop PostgreSQL: ${String(error)}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping everything the bench started…`);
    // Work in flight loses its database connections now: expected, not a reason to die before cleaning up.
    process.on('uncaughtException', (error) => log(`(while stopping) ${error.message}`));
    void cleanUp().then(() => process.exit(130));
  });
}

const results: BenchResults = {
  mode: options.mode,
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  postgres: { settings: POSTGRES_SETTINGS },
  load: { connections: options.connections, warmupSeconds: options.warmupSeconds, rounds: options.rounds, roundSeconds: options.roundSeconds, poolSize: POOL_SIZE },
  operations: {},
  sqlPerOperation: { byOperation: {} },
  ratios: {},
  readPathMismatches: [],
};

let exitCode = 0;
try {
  ensurePeerInstalled();
  if (!options.skipStartup) results.startup = await benchStartup(ROOT, log);

  postgres = await startBenchPostgres(log);
  results.postgres = { ...results.postgres, version: await serverVersion(postgres) };
  const shape = { libraryUsers: options.libraryUsers, weeks: options.weeks, chunkUsers: options.seedChunkUsers };

  const sizes: BackfillFigures[] = [];
  let workerScaling: WorkerScaling | undefined;
  if (!options.skipBackfill) {
    const small = await createCorpusDatabase(postgres, 'bench_small', { ...shape, users: options.smallUsers }, log);
    // On the smaller corpus: at the full size the two extra backfills took over half an hour and show the same ratio.
    workerScaling = await benchWorkerScaling(postgres, ROOT, small, options.backfillBatchSize, log);
    sizes.push(await benchBackfill(postgres, ROOT, small, options.backfillBatchSize, small.counts.sets <= options.ceilingMaxSets, log));
    await postgres.dropDatabase(small.database);
  }
  const corpus = await createCorpusDatabase(postgres, 'bench_corpus', { ...shape, users: options.users }, log);
  results.corpus = { users: options.users, libraryUsers: options.libraryUsers, ...corpus.counts, seedSeconds: corpus.seedMs / 1000 };
  sizes.push(await benchBackfill(postgres, ROOT, corpus, options.backfillBatchSize, !options.skipBackfill && corpus.counts.sets <= options.ceilingMaxSets, log));
  results.backfill = {
    sizes,
    peakRssGrowth: sizes.length === 2 ? sizes[1]!.backfill.peakRssMb / sizes[0]!.backfill.peakRssMb : null,
    // The largest size the ceiling ran at.
    timeVsCeiling: sizes.filter((s) => s.timeVsCeiling !== null).at(-1)?.timeVsCeiling ?? null,
    ...(workerScaling && { workerScaling }),
  };
  for (const size of sizes) if (size.backfill.failure) exitCode = 1; // measured on, but the product failed a step
  log('vacuum analyze after the backfill (as autovacuum would, before serving)…');
  await vacuumAnalyze(postgres.url(corpus.database));

  await benchHttp(postgres, corpus.database, ROOT, options, results, log);
  computeRatios(results);
} catch (error) {
  exitCode = 1;
  log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  log('cleaning up: servers and PostgreSQL…');
  await cleanUp();
}

results.finishedAt = new Date().toISOString();
const resultsFile = resolve(ROOT, options.resultsFile);
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${renderReport(results)}\n\nresults written to ${resultsFile} (${((performance.now() - started) / 60_000).toFixed(1)} min)\n`);
process.exit(exitCode);

function ensurePeerInstalled(): void {
  const dir = join(ROOT, 'bench', 'peer');
  if (existsSync(join(dir, 'node_modules', 'postgraphile'))) return;
  log('peer: installing PostGraphile v4 (npm ci --prefix bench/peer)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const done = spawnSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (done.status !== 0) throw new Error('npm ci --prefix bench/peer failed');
}

async function serverVersion(pgs: BenchPostgres): Promise<string> {
  return pgs.admin(async (c) => String((await c.query('show server_version')).rows[0].server_version));
}

async function vacuumAnalyze(url: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

function computeRatios(r: BenchResults): void {
  const tree = r.operations.fullTree;
  const rps = (name: string) => tree?.[name]?.requestsPerSecond;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
  r.ratios.fullTreeVsPeer = ratio(rps('versioned'), rps('peer'));
  r.ratios.fullTreeVsCeiling = ratio(rps('versioned'), rps('ceiling'));
  r.ratios.fullTreeLegacyVsPeer = ratio(rps('legacy'), rps('peer'));
  r.ratios.fullTreeLegacyVsCeiling = ratio(rps('legacy'), rps('ceiling'));
  r.ratios.halfLoadP99VsCeiling = ratio(r.halfLoad?.versioned?.p99Ms, r.halfLoad?.ceiling?.p99Ms);
  const check = (target: string, value: number | undefined | null, met: (v: number) => boolean) => ({ target, value: value ?? null, met: value !== undefined && value !== null && met(value) });
  r.targets = {
    fullTreeStatements: check('≤ 3 SQL statements (versioned full tree)', r.sqlPerOperation.fullTree, (v) => v <= 3),
    fullTreeVsPeer: check('≥ 1.0× PostGraphile v4 throughput', r.ratios.fullTreeVsPeer, (v) => v >= 1),
    fullTreeVsCeiling: check('≥ 1.0× the ceiling throughput', r.ratios.fullTreeVsCeiling, (v) => v >= 1),
    halfLoadP99VsCeiling: check("p99 at half of peak ≤ the ceiling's", r.ratios.halfLoadP99VsCeiling, (v) => v <= 1),
    backfillVsCeiling: check('backfill time ≤ 1.5× its SQL ceiling', r.backfill?.timeVsCeiling, (v) => v <= 1.5),
    backfillMemoryFlat: check('backfill peak RSS flat across sizes (≤ 1.25×)', r.backfill?.peakRssGrowth, (v) => v <= 1.25),
    backfillCompletes: check(
      '`npm run backfill` completes at every size (1 = yes)',
      r.backfill ? (r.backfill.sizes.every((s) => !s.backfill.failure) ? 1 : 0) : null,
      (v) => v === 1,
    ),
    coldStart: check('cold start < 10 s', r.startup ? r.startup.coldMs / 1000 : null, (v) => v < 10),
  };
  // The other operations: against the baseline checkout's server in this run when there is one (`--baseline-root`,
  // same corpus, rounds interleaved); otherwise against the figures of the last full run before the
  // last-performance work (README): another run, on another day, so only a full run is compared, and only as a guide.
  const baselined = ['sessions', 'calendar', 'entities50', 'modifyProgram'].filter((operation) => r.operations[operation]?.baseline);
  for (const operation of baselined) {
    const now = r.operations[operation]!.versioned?.requestsPerSecond;
    const base = r.operations[operation]!.baseline!.requestsPerSecond;
    r.targets[`${operation}VsBaseline`] = check(`${operation} (versioned) faster than the baseline checkout in this run (${base.toFixed(0)} req/s)`, now === undefined ? null : now / base, (v) => v > 1);
  }
  if (r.mode === 'full' && baselined.length === 0) {
    for (const [operation, before] of Object.entries(FULL_RUN_BEFORE)) {
      const now = r.operations[operation]?.versioned?.requestsPerSecond;
      r.targets[`${operation}VsBefore`] = check(`${operation} (versioned) faster than ${before} req/s, the full run of 2026-11-24`, now === undefined ? null : now / before, (v) => v > 1);
    }
  }
}
