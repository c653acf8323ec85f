import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { runBackfillProcess } from './backfill-process.js';
import { startBenchPostgres, type BenchPostgres } from './bench-postgres.js';
import { freePort, spawnChild, stopAllChildren, waitUntil, type Child } from './child-processes.js';
import { answers, ourEnvironment, type ReadPath } from './contenders.js';
import { createCorpusDatabase } from './corpus-database.js';
import { npmScriptCommand } from './npm-script.js';
import { CALENDAR, CALENDAR_MONTH, entitiesRequest, FULL_TREE, ourRequest, SESSIONS, type RequestVariant } from './operations.js';
import { summariseProfile, type CpuProfile, type FunctionTime, type ProfileSummary } from './profile-summary.js';
import { athleteId, libraryProgramIds, libraryUserId } from './seed-corpus.js';
import { enableStatementStats } from './statement-count.js';

/**
 * `npm run profile -- --operation fullTree --requests 2000`: where one
 * operation's CPU goes. Seeds a small corpus in its own embedded PostgreSQL,
 * backfills it with the real backfill, starts our server (`npm start`'s
 * command line, production settings as in the bench) and, per operation:
 * a warm-up, a measured pass (Node and PostgreSQL CPU per request, from
 * /proc and pg_stat_statements, with no profiler attached), then a pass under
 * the V8 CPU profiler (bench/profile-agent.ts), summarised by category and
 * by function. Everything it starts, it stops.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OPERATIONS = ['fullTree', 'sessions', 'calendar', 'entities50'] as const;
type Operation = (typeof OPERATIONS)[number];
const USAGE = `usage: npm run profile -- [--operation ${OPERATIONS.join('|')}[,…]] [--requests N] [--warmup N] [--connections N] [--users N] [--path versioned|legacy] [--top N] [--server-root DIR] [--out DIR] [--json FILE]`;

const started = performance.now();
const log = (line: string) => process.stderr.write(`[profile ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

interface ProfileOptions {
  readonly operations: readonly Operation[];
  readonly requests: number;
  readonly warmup: number;
  readonly connections: number;
  readonly users: number;
  readonly path: ReadPath;
  readonly top: number;
  readonly serverRoot: string;
  readonly outDir: string;
  readonly jsonFile: string | undefined;
}

function readOptions(argv: readonly string[]): ProfileOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      operation: { type: 'string', default: 'fullTree' },
      requests: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '300' },
      connections: { type: 'string', default: '8' },
      users: { type: 'string', default: '40' },
      path: { type: 'string', default: 'versioned' },
      top: { type: 'string', default: '25' },
      'server-root': { type: 'string', default: ROOT },
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
  const serverRoot = resolve(values['server-root']);
  if (!existsSync(join(serverRoot, 'src', 'cli', 'start.ts'))) throw new UsageError(`--server-root ${serverRoot}: no src/cli/start.ts there`);
  return {
    operations: operations as Operation[],
    requests: positive(values.requests, 'requests'),
    warmup: positive(values.warmup, 'warmup'),
    connections: positive(values.connections, 'connections'),
    users: positive(values.users, 'users'),
    path: values.path,
    top: positive(values.top, 'top'),
    serverRoot,
    outDir: values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'training-profile-')),
    jsonFile: values.json,
  };
}

class UsageError extends Error {}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer\n${USAGE}`);
  return n;
}

/** CPU of one pass, per request. */
interface CpuFigures {
  readonly requests: number;
  readonly failures: number;
  readonly wallMs: number;
  readonly nodeCpuMsPerRequest: number;
  /** utime + stime of the database's client backends, from /proc. */
  readonly postgresCpuMsPerRequest: number;
  /** pg_stat_statements: total_exec_time and calls over the pass. */
  readonly postgresExecMsPerRequest: number;
  readonly statementsPerRequest: number;
}

interface OperationProfile {
  readonly operation: Operation;
  readonly path: ReadPath;
  readonly measured: CpuFigures;
  readonly profiled: CpuFigures;
  readonly profileFile: string;
  readonly summary: ProfileSummary;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process, in ms (0 for a process that is gone). */
function processCpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces) start at `state`: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

interface PostgresCounters {
  readonly backends: Map<number, number>;
  readonly execMs: number;
  readonly calls: number;
}

async function postgresCounters(pgs: BenchPostgres, database: string): Promise<PostgresCounters> {
  return pgs.admin(async (c) => {
    const pids = await c.query<{ pid: number }>(`/* profileBackends */ select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'`, [database]);
    const stats = await c.query<{ ms: string; calls: string }>(
      `/* profileStatements */ select coalesce(sum(total_exec_time), 0) as ms, coalesce(sum(calls), 0) as calls from pg_stat_statements
       where dbid = (select oid from pg_database where datname = $1)`,
      [database],
    );
    return {
      backends: new Map(pids.rows.map((r) => [r.pid, processCpuMs(r.pid)])),
      execMs: Number(stats.rows[0]!.ms),
      calls: Number(stats.rows[0]!.calls),
    };
  });
}

/** Sends `amount` requests over `connections` connections, rotating the variants; returns the failures. */
async function drive(url: string, variants: readonly RequestVariant[], amount: number, connections: number): Promise<number> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    amount,
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
  return result.errors + result.timeouts + result.non2xx + result.mismatches;
}

async function pass(server: Server, pgs: BenchPostgres, database: string, variants: readonly RequestVariant[], requests: number, connections: number): Promise<CpuFigures> {
  const pgBefore = await postgresCounters(pgs, database);
  const nodeBefore = processCpuMs(server.pid);
  const t0 = performance.now();
  const failures = await drive(server.url, variants, requests, connections);
  const wallMs = performance.now() - t0;
  const nodeAfter = processCpuMs(server.pid);
  const pgAfter = await postgresCounters(pgs, database);
  let backendMs = 0;
  for (const [pid, ms] of pgAfter.backends) backendMs += ms - (pgBefore.backends.get(pid) ?? 0);
  return {
    requests,
    failures,
    wallMs,
    nodeCpuMsPerRequest: (nodeAfter - nodeBefore) / requests,
    postgresCpuMsPerRequest: backendMs / requests,
    postgresExecMsPerRequest: (pgAfter.execMs - pgBefore.execMs) / requests,
    // The two counter queries of this pass run in the maintenance database: not counted.
    statementsPerRequest: (pgAfter.calls - pgBefore.calls) / requests,
  };
}

interface Server {
  readonly child: Child;
  readonly pid: number;
  readonly url: string;
  /** Where the agent writes the profile when the profiler stops. */
  readonly profileOut: string;
}

async function startProfiledServer(databaseUrl: string, options: ProfileOptions): Promise<Server> {
  const port = await freePort();
  const [, ...nodeArgs] = npmScriptCommand(options.serverRoot, 'start', ['node', '--import', 'tsx', 'src/cli/start.ts']);
  // The agent goes in front of the entry point (the last argument), after tsx has registered.
  const agent = pathToFileURL(join(ROOT, 'bench', 'profile-agent.ts')).href;
  const args = [...nodeArgs.slice(0, -1), '--import', agent, nodeArgs.at(-1)!];
  const profileOut = join(options.outDir, 'current.cpuprofile');
  const child = spawnChild(`ours (${options.path})`, process.execPath, args, {
    cwd: options.serverRoot,
    env: { ...ourEnvironment(databaseUrl, port, options.path), PROFILE_OUT: profileOut },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntil(child, 'a GraphQL answer', () => answers(url));
  return { child, pid: child.process.pid!, url, profileOut };
}

/** Starts the profiler in the server, runs `work`, stops it; returns the profile. */
async function underProfiler<T>(server: Server, work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile; raw: string }> {
  const file = server.profileOut;
  for (const f of [file, `${file}.started`]) rmSync(f, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  await waitUntil(server.child, 'the profiler started', async () => existsSync(`${file}.started`), 10_000, 10);
  const result = await work();
  process.kill(server.pid, 'SIGUSR2');
  await waitUntil(server.child, 'the profile written', async () => existsSync(file) && readFileSync(file, 'utf8').endsWith('}'), 60_000, 50);
  const raw = readFileSync(file, 'utf8');
  return { result, profile: JSON.parse(raw) as CpuProfile, raw };
}

function variantsFor(operation: Operation, users: number, libraryUsers: number): RequestVariant[] {
  const athletes = Array.from({ length: users }, (_, i) => athleteId(i + 1));
  switch (operation) {
    case 'fullTree':
      return athletes.map((u) => ourRequest(u, FULL_TREE));
    case 'sessions':
      return athletes.map((u) => ourRequest(u, SESSIONS));
    case 'calendar':
      return athletes.map((u) => ourRequest(u, CALENDAR, CALENDAR_MONTH));
    case 'entities50':
      return Array.from({ length: libraryUsers }, (_, j) => entitiesRequest(libraryUserId(j + 1), libraryProgramIds(j + 1)));
  }
}

function render(p: OperationProfile, top: number): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const ms = (x: number) => x.toFixed(1).padStart(8);
  const perRequest = (x: number) => x.toFixed(3);
  const fn = (f: FunctionTime) => `  ${ms(f.ms)} ${pct(f.share)}  ${f.name.slice(0, 48).padEnd(48)} ${f.category.slice(0, 28).padEnd(28)} ${f.where}`;
  const lines = [
    '',
    `== ${p.operation} (${p.path} read path) ==`,
    `CPU per request, without the profiler (${p.measured.requests} requests, ${p.measured.failures} failed, ${(p.measured.requests / (p.measured.wallMs / 1000)).toFixed(0)} req/s):`,
    `  Node ${perRequest(p.measured.nodeCpuMsPerRequest)} ms · PostgreSQL backends ${perRequest(p.measured.postgresCpuMsPerRequest)} ms (statement execution ${perRequest(p.measured.postgresExecMsPerRequest)} ms, ${p.measured.statementsPerRequest.toFixed(2)} statements)`,
    `Under the profiler: Node ${perRequest(p.profiled.nodeCpuMsPerRequest)} ms per request; sampled busy ${p.summary.busyMs.toFixed(0)} ms = ${perRequest(p.summary.busyMs / p.profiled.requests)} ms per request (idle ${p.summary.idleMs.toFixed(0)} ms)`,
    `Profile: ${p.profileFile} (open in Chrome DevTools › Performance, or speedscope)`,
    '',
    'self time by category        ms   share   ms/request',
    ...p.summary.categories.map((c) => `  ${c.name.padEnd(36).slice(0, 36)} ${ms(c.ms)} ${pct(c.share)}  ${perRequest(c.ms / p.profiled.requests)}`),
    '',
    `top ${top} functions by self time`,
    ...p.summary.functions.map(fn),
    '',
    `top ${top} of our functions (src/) by total time, callees included`,
    ...p.summary.oursInclusive.map(fn),
  ];
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

const LIBRARY_USERS = 2;
let exitCode = 0;
const results: OperationProfile[] = [];
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

  log(`server: ${options.serverRoot} (${options.path} read path)…`);
  const server = await startProfiledServer(postgres.url(database), options);
  for (const operation of options.operations) {
    const variants = variantsFor(operation, options.users, LIBRARY_USERS);
    log(`${operation}: warm-up (${options.warmup} requests)…`);
    const warmFailures = await drive(server.url, variants, options.warmup, options.connections);
    if (warmFailures > 0) throw new Error(`${operation}: ${warmFailures} of ${options.warmup} warm-up requests failed`);
    log(`${operation}: ${options.requests} requests, measured…`);
    const measured = await pass(server, postgres, database, variants, options.requests, options.connections);
    log(`${operation}: ${options.requests} requests under the profiler…`);
    const { result: profiled, raw, profile } = await underProfiler(server, () => pass(server, postgres!, database, variants, options.requests, options.connections));
    const profileFile = join(options.outDir, `${operation}-${options.path}.cpuprofile`);
    writeFileSync(profileFile, raw);
    rmSync(server.profileOut, { force: true });
    rmSync(`${server.profileOut}.started`, { force: true });
    const p: OperationProfile = { operation, path: options.path, measured, profiled, profileFile, summary: summariseProfile(profile, options.top) };
    results.push(p);
    if (measured.failures + profiled.failures > 0) exitCode = 1;
    process.stdout.write(`${render(p, options.top)}\n`);
  }
} catch (error) {
  exitCode = 1;
  log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanUp();
}
if (options.jsonFile) writeFileSync(options.jsonFile, `${JSON.stringify(results, null, 2)}\n`);
process.exit(exitCode);
