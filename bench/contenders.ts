import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { freePort, spawnChild, waitUntil, type Child } from './child-processes.js';
import { npmScriptCommand } from './npm-script.js';

/**
 * The servers under load, each a child process with a pool of the same size:
 * - ours: `npm start`'s command line (the product as operators run it) on the
 *   bench database, once per read path;
 * - the ceiling: bench/ceiling-server.ts;
 * - the peer: PostGraphile v4, bench/peer/server.mjs.
 */
export interface Contender {
  readonly name: string;
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly child: Child;
}

export const POOL_SIZE = 10;

export type ReadPath = 'legacy' | 'versioned';

/** Environment of our server for one read path (WRITES on for both: `modifyProgram` is measured on both). */
export function ourEnvironment(databaseUrl: string, port: number, path: ReadPath): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // As deployed: production mode (graphql-js' development checks off, no statement-count header — PostgreSQL counts
    // statements for every contender). Identity from x-user-id as behind a gateway, so that load rotates users cheaply.
    NODE_ENV: 'production',
    ALLOW_DEV_HEADER_IN_PRODUCTION: 'on',
    // The bench's databases belong to its own throwaway cluster's superuser.
    ALLOW_PRIVILEGED_DB_ROLE: 'on',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    // Both read paths run side by side, and nothing here scrapes metrics: any free port.
    METRICS_PORT: '0',
    DB_POOL_MAX: String(POOL_SIZE),
    SEED_DEMO_DATA: 'off',
    AUTH_MODE: 'dev-header',
    LOG_LEVEL: 'silent',
    PROGRAM_VERSIONING_WRITES: 'on',
    PROGRAM_VERSIONING_READS: path === 'versioned' ? 'on' : 'off',
    LEGACY_JSON_WRITES: 'on',
    SHADOW_READ_SAMPLE: '0',
  };
}

const READY_QUERY = JSON.stringify({ query: '{ __typename }' });

/** True once the endpoint answers a GraphQL request. */
export async function answers(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: READY_QUERY });
  return response.ok;
}

export async function startOurs(root: string, databaseUrl: string, path: ReadPath): Promise<Contender> {
  const port = await freePort();
  // `npm start`'s command line, node flags included.
  const [, ...nodeArgs] = npmScriptCommand(root, 'start', ['node', '--import', 'tsx', 'src/cli/start.ts']);
  const gcLog = gcTraceFile(root, path);
  const child = spawnChild(`ours (${path})`, process.execPath, gcLog ? ['--trace-gc', `--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${dirname(gcLog)}`, ...nodeArgs] : nodeArgs, {
    cwd: root,
    env: ourEnvironment(databaseUrl, port, path),
    ...(gcLog && { onStdout: (chunk: string) => appendFileSync(gcLog, chunk) }),
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntil(child, 'a GraphQL answer', () => answers(url));
  return { name: `ours-${path}`, url, child };
}

/**
 * `BENCH_TRACE=<dir>`: our servers run with `--trace-gc`, each collection
 * appended to `<dir>/<checkout>-<read path>.gc.log` (times are milliseconds
 * since the process started, which the file's first line gives as a wall
 * clock), to lay beside the half load's stalls (and PostgreSQL's log, which
 * bench-postgres.ts writes to the same directory). `kill -USR2 <pid>` then
 * writes a heap snapshot of that server to the directory.
 */
function gcTraceFile(root: string, path: ReadPath): string | null {
  const dir = process.env.BENCH_TRACE;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(root)}-${path}.gc.log`);
  writeFileSync(file, `started ${new Date().toISOString()}\n`);
  return file;
}

export async function startCeiling(root: string, databaseUrl: string): Promise<Contender> {
  const port = await freePort();
  const child = spawnChild('ceiling', join(root, 'node_modules', '.bin', 'tsx'), ['bench/ceiling-server.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), POOL_MAX: String(POOL_SIZE) },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  // The ceiling answers only the full tree; a 400 (no user) proves it is listening.
  await waitUntil(child, 'listening', async () => (await fetch(url, { method: 'POST' })).status === 400);
  return { name: 'ceiling', url, child };
}

export async function startPeer(root: string, databaseUrl: string): Promise<Contender> {
  const dir = join(root, 'bench', 'peer');
  if (!existsSync(join(dir, 'node_modules', 'postgraphile'))) throw new Error('bench/peer/node_modules is missing: run `npm ci --prefix bench/peer`');
  const port = await freePort();
  const child = spawnChild('peer (PostGraphile v4)', process.execPath, ['server.mjs'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), POOL_MAX: String(POOL_SIZE) },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntil(child, 'a GraphQL answer', () => answers(url));
  return { name: 'peer', url, child };
}
