import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runBackfillProcess } from './backfill-process.js';
import { startBenchPostgres, type BenchPostgres } from './bench-postgres.js';
import { stopAllChildren } from './child-processes.js';
import type { ReadPath } from './contenders.js';
import { createCorpusDatabase } from './corpus-database.js';
import { median } from './load.js';
import { CALENDAR, CALENDAR_MONTH, entitiesRequest, FULL_TREE, modifyVariants, ourRequest, SESSIONS, type RequestVariant } from './operations.js';
import { drive, measurePass, startProfiledServer, underProfiler, type CpuFigures, type ProfiledServer } from './profile-measure.js';
import { summariseProfile, summariseSurvivors, type FunctionTime, type ProfileSummary, type SurvivorSite, type SurvivorSummary } from './profile-summary.js';
import { athleteId, libraryProgramIds, libraryUserId } from './seed-corpus.js';
import { enableStatementStats } from './statement-count.js';

/**
 * `npm run profile -- --operation fullTree --requests 2000`: where one
 * operation's CPU goes. Seeds a small corpus in its own embedded PostgreSQL,
 * backfills it with the real backfill, starts our server (`npm start`'s
 * command line, production settings as in the bench) and, per operation:
 * a warm-up, measured passes (Node and PostgreSQL CPU per request, from /proc
 * and pg_stat_statements, no profiler attached), then a pass under the V8 CPU
 * profiler (bench/profile-agent.ts), summarised by category and by function.
 * With `--baseline-root DIR` a second checkout's server runs on the same
 * corpus, its passes interleaved with ours, for a before/after comparison.
 * With `--survivors` the profiled pass also samples what outlived a minor
 * collection (V8's sampling heap profiler): the allocations whose rate makes
 * full collections come often, by site. Everything it starts, it stops.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OPERATIONS = ['fullTree', 'sessions', 'calendar', 'entities50', 'modifyProgram'] as const;
type Operation = (typeof OPERATIONS)[number];
const USAGE = `usage: npm run profile -- [--operation ${OPERATIONS.join('|')}[,…]] [--requests N] [--rounds N] [--warmup N] [--connections N] [--users N] [--path versioned|legacy] [--top N] [--baseline-root DIR] [--survivors] [--out DIR] [--json FILE]`;
/** Users with 50 programs each (`_entities` with 50 keys). */
const LIBRARY_USERS = 2;

const started = performance.now();
const log = (line: string) => process.stderr.write(`[profile ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

interface ProfileOptions {
  readonly operations: readonly Operation[];
  readonly requests: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly connections: number;
  readonly users: number;
  readonly path: ReadPath;
  readonly top: number;
  readonly baselineRoot: string | null;
  readonly survivors: boolean;
  readonly outDir: string;
  readonly jsonFile: string | undefined;
}

class UsageError extends Error {}

function readOptions(argv: readonly string[]): ProfileOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      operation: { type: 'string', default: 'fullTree' },
      requests: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '500' },
      connections: { type: 'string', default: '8' },
      users: { type: 'string', default: '40' },
      path: { type: 'string', default: 'versioned' },
      top: { type: 'string', default: '25' },
      'baseline-root': { type: 'string' },
      survivors: { type: 'boolean', default: false },
      out: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError(USAGE);
  const operations = values.operation.split(',').map((o) => o.trim());
  for (const o of operations) if (!(OPERATIONS as readonly string[]).includes(o)) throw new UsageError(`unknown operation ${o}\n${USAGE}`);
  if (values.path !== 'versioned' && values.path !== 'legacy') throw new UsageError(`--path must be versioned or legacy\n${USAGE}`);
  const baselineRoot = values['baseline-root'] ? resolve(values['baseline-root']) : null;
  if (baselineRoot && !existsSync(join(baselineRoot, 'src', 'cli', 'start.ts'))) throw new UsageError(`--baseline-root ${baselineRoot}: no src/cli/start.ts there`);
  return {
    operations: operations as Operation[],
    requests: positive(values.requests, 'requests'),
    rounds: positive(values.rounds, 'rounds'),
    warmup: positive(values.warmup, 'warmup'),
    connections: positive(values.connections, 'connections'),
    users: positive(values.users, 'users'),
    path: values.path,
    top: positive(values.top, 'top'),
    baselineRoot,
    survivors: values.survivors,
    outDir: values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'training-profile-')),
    jsonFile: values.json,
  };
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer\n${USAGE}`);
  return n;
}

async function variantsFor(operation: Operation, users: number, url: string): Promise<RequestVariant[]> {
  const athletes = Array.from({ length: users }, (_, i) => athleteId(i + 1));
  switch (operation) {
    case 'modifyProgram':
      // As the bench: every call is a real change (a new version).
      return modifyVariants(url, athletes);
    case 'fullTree':
      return athletes.map((u) => ourRequest(u, FULL_TREE));
    case 'sessions':
      return athletes.map((u) => ourRequest(u, SESSIONS));
    case 'calendar':
      return athletes.map((u) => ourRequest(u, CALENDAR, CALENDAR_MONTH));
    case 'entities50':
      return Array.from({ length: LIBRARY_USERS }, (_, j) => entitiesRequest(libraryUserId(j + 1), libraryProgramIds(j + 1)));
  }
}

/** One server's figures for one operation. */
interface ServerFigures {
  readonly label: string;
  /** Each measured pass, and their median. */
  readonly passes: readonly CpuFigures[];
  readonly median: { readonly nodeCpuMs: number; readonly postgresCpuMs: number; readonly postgresExecMs: number; readonly statements: number; readonly requestsPerSecond: number };
  /** The pass under the profiler (its CPU includes the profiler's own). */
  readonly profiled: CpuFigures;
  readonly profileFile: string;
  readonly summary: ProfileSummary;
  /** With `--survivors`: what outlived a minor collection during the profiled pass. */
  readonly survivors: (SurvivorSummary & { readonly file: string; readonly perRequestKb: number }) | null;
}

interface OperationResult {
  readonly operation: Operation;
  readonly path: ReadPath;
  readonly servers: readonly ServerFigures[];
}

async function profileOperation(operation: Operation, servers: readonly ProfiledServer[], pgs: BenchPostgres, database: string, options: ProfileOptions): Promise<OperationResult> {
  const variants = await variantsFor(operation, options.users, servers[0]!.url);
  for (const server of servers) {
    log(`${operation} (${server.label}): warm-up, ${options.warmup} requests…`);
    const failures = await drive(server.url, variants, options.warmup, options.connections);
    if (failures > 0) throw new Error(`${operation} (${server.label}): ${failures} of ${options.warmup} warm-up requests failed`);
  }
  const passes = new Map<ProfiledServer, CpuFigures[]>(servers.map((s) => [s, []]));
  for (let round = 1; round <= options.rounds; round++) {
    // Interleaved, so that drift of a shared machine hits every server alike.
    for (const server of servers) {
      log(`${operation} (${server.label}): round ${round} of ${options.rounds}, ${options.requests} requests…`);
      passes.get(server)!.push(await measurePass(server, pgs, database, variants, options.requests, options.connections));
    }
  }
  const figures: ServerFigures[] = [];
  for (const server of servers) {
    log(`${operation} (${server.label}): ${options.requests} requests under the profiler…`);
    const { result: profiled, text, profile, survivors, survivorsText } = await underProfiler(server, () => measurePass(server, pgs, database, variants, options.requests, options.connections));
    const profileFile = join(options.outDir, `${operation}-${options.path}-${server.label}.cpuprofile`);
    writeFileSync(profileFile, text);
    let survivorFigures: ServerFigures['survivors'] = null;
    if (survivors && survivorsText) {
      const file = join(options.outDir, `${operation}-${options.path}-${server.label}.heapprofile`);
      writeFileSync(file, survivorsText);
      const summary = summariseSurvivors(survivors, options.top);
      survivorFigures = { ...summary, file, perRequestKb: summary.bytes / 1024 / profiled.requests };
    }
    const list = passes.get(server)!;
    figures.push({
      label: server.label,
      passes: list,
      median: {
        nodeCpuMs: median(list.map((p) => p.nodeCpuMsPerRequest)),
        postgresCpuMs: median(list.map((p) => p.postgresCpuMsPerRequest)),
        postgresExecMs: median(list.map((p) => p.postgresExecMsPerRequest)),
        statements: median(list.map((p) => p.statementsPerRequest)),
        requestsPerSecond: median(list.map((p) => p.requests / (p.wallMs / 1000))),
      },
      profiled,
      profileFile,
      summary: summariseProfile(profile, options.top),
      survivors: survivorFigures,
    });
  }
  return { operation, path: options.path, servers: figures };
}

function render(r: OperationResult, options: ProfileOptions): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const ms = (x: number) => x.toFixed(3).padStart(7);
  const [current, baseline] = r.servers;
  const failures = r.servers.flatMap((s) => [...s.passes, s.profiled]).reduce((n, p) => n + p.failures, 0);
  const lines = [
    '',
    `== ${r.operation} (${r.path} read path): ${options.requests} requests × ${options.rounds} rounds, ${options.connections} connections, ${failures} failed ==`,
    'CPU per request, median of the rounds (no profiler attached):',
    `  ${'server'.padEnd(10)} ${'Node ms'.padStart(9)} ${'PG CPU ms'.padStart(10)} ${'PG exec ms'.padStart(11)} ${'statements'.padStart(11)} ${'req/s'.padStart(7)}   Node ms per round`,
    ...r.servers.map(
      (s) =>
        `  ${s.label.padEnd(10)} ${ms(s.median.nodeCpuMs).padStart(9)} ${ms(s.median.postgresCpuMs).padStart(10)} ${ms(s.median.postgresExecMs).padStart(11)} ${s.median.statements.toFixed(2).padStart(11)} ${s.median.requestsPerSecond.toFixed(0).padStart(7)}   ${s.passes.map((p) => p.nodeCpuMsPerRequest.toFixed(3)).join(' ')}`,
    ),
  ];
  if (current && baseline) {
    lines.push(`  ${current.label} ÷ ${baseline.label}: Node ${(current.median.nodeCpuMs / baseline.median.nodeCpuMs).toFixed(2)}×, PostgreSQL ${(current.median.postgresCpuMs / baseline.median.postgresCpuMs).toFixed(2)}×`);
  }
  lines.push('', 'PostgreSQL execution time per request by statement (pg_stat_statements, the round of median execution time):');
  for (const s of r.servers) {
    const byExec = [...s.passes].sort((a, b) => a.postgresExecMsPerRequest - b.postgresExecMsPerRequest);
    const middle = byExec[Math.floor((byExec.length - 1) / 2)]!;
    lines.push(`  ${s.label}:   exec ms  calls  statement`);
    for (const st of middle.statements.slice(0, 8)) {
      lines.push(`  ${' '.repeat(s.label.length)}  ${ms(st.execMsPerRequest).padStart(8)} ${st.callsPerRequest.toFixed(2).padStart(6)}  ${st.query.replace(/\s+/g, ' ').slice(0, 140)}`);
    }
  }
  // Sampled time is wall time while the thread was busy, descheduling included on a shared machine:
  // shares are what to read, and share × measured CPU is the estimate of CPU per request.
  const perRequest = (s: ServerFigures, share: number) => share * s.median.nodeCpuMs;
  const names = [...new Set(r.servers.flatMap((s) => s.summary.categories.map((c) => c.name)))];
  const shareOf = (s: ServerFigures, name: string) => s.summary.categories.find((c) => c.name === name)?.share ?? 0;
  names.sort((a, b) => shareOf(current!, b) - shareOf(current!, a));
  lines.push(
    '',
    `self time by category: share of the profiled busy time, and that share of the Node CPU per request (ms)`,
    `  ${'category'.padEnd(38)} ${r.servers.map((s) => `${s.label.slice(0, 10).padStart(10)} share  ms/req`).join('   ')}`,
    ...names.map((name) => `  ${name.slice(0, 38).padEnd(38)} ${r.servers.map((s) => `${pct(shareOf(s, name)).padStart(16)} ${ms(perRequest(s, shareOf(s, name)))}`).join('   ')}`),
  );
  const fn = (f: FunctionTime) => `  ${pct(f.share)}  ${f.name.slice(0, 48).padEnd(48)} ${f.category.slice(0, 28).padEnd(28)} ${f.where}`;
  for (const s of r.servers) {
    lines.push(
      '',
      `${s.label}: profile ${s.profileFile} (Chrome DevTools › Performance › Load profile, or speedscope)`,
      `top ${options.top} functions by self time`,
      ...s.summary.functions.map(fn),
      `top ${options.top} of our functions (src/) by total time, callees included`,
      ...s.summary.oursInclusive.map(fn),
    );
  }
  for (const s of r.servers) {
    if (!s.survivors) continue;
    const kb = (bytes: number) => (bytes / 1024 / s.profiled.requests).toFixed(2).padStart(8);
    const site = (x: SurvivorSite) => `  ${pct(x.share)} ${kb(x.bytes)}  ${x.name.slice(0, 48).padEnd(48)} ${x.category.slice(0, 28).padEnd(28)} ${x.where}`;
    lines.push(
      '',
      `${s.label}: what outlived a minor collection (sampled, ${s.survivors.perRequestKb.toFixed(2)} KB per request), heap profile ${s.survivors.file}`,
      `  share  KB/req   by category`,
      ...s.survivors.categories.slice(0, 12).map((c) => `  ${pct(c.share)} ${kb(c.bytes)}  ${c.name}`),
      `  share  KB/req   top ${options.top} allocation sites`,
      ...s.survivors.sites.map(site),
      `  share  KB/req   by the nearest function of ours on the stack`,
      ...s.survivors.ours.map(site),
    );
  }
  return lines.join('\n');
}

let options: ProfileOptions;
try {
  options = readOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

let postgres: BenchPostgres | null = null;
const cleanUp = async () => {
  await stopAllChildren();
  await postgres?.stop().catch((error: unknown) => log(`could not stop PostgreSQL: ${String(error)}`));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cleanUp().then(() => process.exit(130)));

let exitCode = 0;
const results: OperationResult[] = [];
try {
  mkdirSync(options.outDir, { recursive: true });
  postgres = await startBenchPostgres(log);
  const database = 'profile_corpus';
  const corpus = await createCorpusDatabase(postgres, database, { users: options.users, libraryUsers: LIBRARY_USERS, weeks: 52, chunkUsers: 50 }, log);
  log(`backfill: ${corpus.counts.sets} sets…`);
  await runBackfillProcess(ROOT, postgres.url(database), 500, log);
  const client = new pg.Client(postgres.url(database));
  await client.connect();
  await client.query('vacuum analyze').finally(() => client.end());
  await enableStatementStats(postgres);

  const url = postgres.url(database);
  const servers = [await startProfiledServer('current', ROOT, ROOT, url, options.path, options.outDir, options.survivors)];
  if (options.baselineRoot) servers.push(await startProfiledServer('baseline', options.baselineRoot, ROOT, url, options.path, options.outDir, options.survivors));
  log(`servers: ${servers.map((s) => `${s.label} (pid ${s.pid})`).join(', ')}; ${options.path} read path`);
  for (const operation of options.operations) {
    const result = await profileOperation(operation, servers, postgres, database, options);
    results.push(result);
    if (result.servers.some((s) => [...s.passes, s.profiled].some((p) => p.failures > 0))) exitCode = 1;
    process.stdout.write(`${render(result, options)}\n`);
  }
} catch (error) {
  exitCode = 1;
  log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanUp();
}
if (options.jsonFile) writeFileSync(options.jsonFile, `${JSON.stringify(results, null, 2)}\n`);
process.exit(exitCode);
