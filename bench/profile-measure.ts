import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import type { BenchPostgres } from './bench-postgres.js';
import { freePort, spawnChild, waitUntil, type Child } from './child-processes.js';
import { answers, ourEnvironment, type ReadPath } from './contenders.js';
import { npmScriptCommand } from './npm-script.js';
import type { RequestVariant } from './operations.js';
import type { CpuProfile, HeapProfile } from './profile-summary.js';

/** What `npm run profile` measures of one pass of requests, per request. */
export interface CpuFigures {
  readonly requests: number;
  readonly failures: number;
  readonly wallMs: number;
  /** utime + stime of the server process, from /proc. */
  readonly nodeCpuMsPerRequest: number;
  /** utime + stime of the database's client backends, from /proc. */
  readonly postgresCpuMsPerRequest: number;
  /** pg_stat_statements: total_exec_time over the pass. */
  readonly postgresExecMsPerRequest: number;
  readonly statementsPerRequest: number;
  /** pg_stat_statements over the pass, per statement: the most expensive first. */
  readonly statements: readonly StatementFigures[];
}

/** One normalised statement's share of a pass. */
export interface StatementFigures {
  readonly query: string;
  readonly callsPerRequest: number;
  readonly execMsPerRequest: number;
}

/** Our server (`npm start`'s command line of a checkout) with the profiler agent preloaded. */
export interface ProfiledServer {
  readonly label: string;
  readonly child: Child;
  readonly pid: number;
  readonly url: string;
  /** Where the agent writes the profile when the profiler stops. */
  readonly profileOut: string;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process, in ms (0 for a process that is gone). */
export function processCpuMs(pid: number): number {
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
  /** By query id: its text, calls and total_exec_time. */
  readonly statements: Map<string, { readonly query: string; readonly calls: number; readonly execMs: number }>;
}

async function postgresCounters(pgs: BenchPostgres, database: string): Promise<PostgresCounters> {
  return pgs.admin(async (c) => {
    const pids = await c.query<{ pid: number }>(`/* profileBackends */ select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'`, [database]);
    const stats = await c.query<{ ms: string; calls: string }>(
      `/* profileStatements */ select coalesce(sum(total_exec_time), 0) as ms, coalesce(sum(calls), 0) as calls from pg_stat_statements
       where dbid = (select oid from pg_database where datname = $1)`,
      [database],
    );
    const each = await c.query<{ queryid: string; query: string; calls: string; ms: string }>(
      `/* profileEachStatement */ select queryid::text, query, calls, total_exec_time as ms from pg_stat_statements
       where dbid = (select oid from pg_database where datname = $1)`,
      [database],
    );
    return {
      backends: new Map(pids.rows.map((r) => [r.pid, processCpuMs(r.pid)])),
      execMs: Number(stats.rows[0]!.ms),
      calls: Number(stats.rows[0]!.calls),
      statements: new Map(each.rows.map((r) => [r.queryid, { query: r.query, calls: Number(r.calls), execMs: Number(r.ms) }])),
    };
  });
}

function statementDeltas(before: PostgresCounters, after: PostgresCounters, requests: number): StatementFigures[] {
  const deltas: StatementFigures[] = [];
  for (const [id, now] of after.statements) {
    const then = before.statements.get(id);
    const calls = now.calls - (then?.calls ?? 0);
    if (calls > 0) deltas.push({ query: now.query, callsPerRequest: calls / requests, execMsPerRequest: (now.execMs - (then?.execMs ?? 0)) / requests });
  }
  return deltas.sort((a, b) => b.execMsPerRequest - a.execMsPerRequest);
}

/** Sends `amount` requests over `connections` connections, rotating the variants; resolves to the failures. */
export async function drive(url: string, variants: readonly RequestVariant[], amount: number, connections: number): Promise<number> {
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

/** One pass of `requests` requests, with the CPU the server and PostgreSQL spent on it (nothing else may load the database meanwhile). */
export async function measurePass(
  server: ProfiledServer,
  pgs: BenchPostgres,
  database: string,
  variants: readonly RequestVariant[],
  requests: number,
  connections: number,
): Promise<CpuFigures> {
  const pgBefore = await postgresCounters(pgs, database);
  const nodeBefore = processCpuMs(server.pid);
  const started = performance.now();
  const failures = await drive(server.url, variants, requests, connections);
  const wallMs = performance.now() - started;
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
    // The counter queries run in the maintenance database: not counted here.
    statementsPerRequest: (pgAfter.calls - pgBefore.calls) / requests,
    statements: statementDeltas(pgBefore, pgAfter, requests),
  };
}

/**
 * Starts `npm start`'s command line from `root` (node flags included) with
 * bench/profile-agent.ts preloaded, in production settings as the bench runs it.
 */
export async function startProfiledServer(
  label: string,
  root: string,
  agentRoot: string,
  databaseUrl: string,
  path: ReadPath,
  outDir: string,
  survivors = false,
): Promise<ProfiledServer> {
  const port = await freePort();
  const [, ...nodeArgs] = npmScriptCommand(root, 'start', ['node', '--import', 'tsx', 'src/cli/start.ts']);
  // The agent goes in front of the entry point (the last argument), after tsx has registered.
  const agent = pathToFileURL(join(agentRoot, 'bench', 'profile-agent.ts')).href;
  const args = [...nodeArgs.slice(0, -1), '--import', agent, nodeArgs.at(-1)!];
  const profileOut = join(outDir, `${label}.current.cpuprofile`);
  const child = spawnChild(`ours (${label}, ${path})`, process.execPath, args, {
    cwd: root,
    env: { ...ourEnvironment(databaseUrl, port, path), PROFILE_OUT: profileOut, ...(survivors && { PROFILE_SURVIVORS: '1' }) },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntil(child, 'a GraphQL answer', () => answers(url));
  return { label, child, pid: child.process.pid!, url, profileOut };
}

/**
 * Starts the profiler in the server, runs `work`, stops it; resolves to the
 * work's result, the profile's text and, where the server samples survivors,
 * that heap profile.
 */
export async function underProfiler<T>(
  server: ProfiledServer,
  work: () => Promise<T>,
): Promise<{ result: T; text: string; profile: CpuProfile; survivors: HeapProfile | null; survivorsText: string | null }> {
  const file = server.profileOut;
  const started = `${file}.started`;
  const heap = `${file}.heapprofile`;
  for (const f of [file, started, heap]) rmSync(f, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  await waitUntil(server.child, 'the profiler started', async () => existsSync(started), 10_000, 10);
  const result = await work();
  process.kill(server.pid, 'SIGUSR2');
  await waitUntil(server.child, 'the profile written', async () => existsSync(file) && readFileSync(file, 'utf8').endsWith('}'), 60_000, 50);
  const text = readFileSync(file, 'utf8');
  // The agent writes the heap profile before the CPU profile.
  const survivorsText = existsSync(heap) ? readFileSync(heap, 'utf8') : null;
  for (const f of [file, started, heap]) rmSync(f, { force: true });
  return { result, text, profile: JSON.parse(text) as CpuProfile, survivors: survivorsText === null ? null : (JSON.parse(survivorsText) as HeapProfile), survivorsText };
}
