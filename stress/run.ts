import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './free-port.js';
import autocannon from 'autocannon';
import { createDatabaseIfMissing } from '../src/db/database.js';
import { embeddedUrl, startEmbeddedDatabase } from '../src/db/embedded-database.js';
import { migrateUp } from '../src/db/migrator.js';
import { createOrm } from '../src/db/orm.js';

/**
 * `npm run stress [-- --quick] [--duration S] [--connections N] [--users N]`:
 * mixed reads and writes from many users against a real server process on its
 * own embedded PostgreSQL. Passes only with 0 transport errors, 0 non-2xx
 * responses and 0 GraphQL errors; exits 1 otherwise.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
  },
});
const duration = Number(values.duration ?? (values.quick ? 10 : 60));
const connections = Number(values.connections ?? (values.quick ? 50 : 200));
const userCount = Number(values.users ?? (values.quick ? 50 : 200));

const PROGRAM_TREE = `{ activeProgram { id name workouts { id name exercises { id name sets { reps weightKg } lastPerformance { performedAt sets { reps weightKg } } } } schedule { dayOfWeek workout { id } } } }`;
const READS = [
  PROGRAM_TREE,
  `{ sessions(first: 20) { edges { node { id workoutName startedAt sets { exerciseName reps weightKg } } } pageInfo { hasNextPage } } }`,
  `{ calendar(from: "2026-10-01", to: "2026-10-31") { date scheduled { name } sessions { id } } }`,
];

function programInput(name: string) {
  const sets = [{ reps: 5, repsMax: 8, weightKg: 60, restSeconds: 120 }];
  return {
    name,
    workouts: ['Upper', 'Lower', 'Full'].map((w) => ({ name: w, exercises: ['Press', 'Row', 'Squat', 'Hinge'].map((e) => ({ name: `${w} ${e}`, sets })) })),
    schedule: [0, 2, 4].map((day, i) => ({ dayOfWeek: day, workoutIndex: i })),
  };
}


const dir = mkdtempSync(join(tmpdir(), 'training-stress-'));
const pgPort = await freePort();
const database = await startEmbeddedDatabase({ dir, port: pgPort, postgresFlags: ['-c', 'max_connections=200'] });
let server: ReturnType<typeof spawn> | null = null;
let failed = false;
try {
  await createDatabaseIfMissing(database.adminUrl, 'stress');
  const url = embeddedUrl(pgPort, 'stress');
  const orm = await createOrm({ url });
  await migrateUp(orm);
  await orm.close();
  const port = await freePort();
  server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), METRICS_PORT: '0', SEED_DEMO_DATA: 'off', LOG_LEVEL: 'warn', PROGRAM_VERSIONING_WRITES: '50%', PROGRAM_VERSIONING_READS: '25%', DB_POOL_MAX: '20' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200 && !(await fetch(`${base}/ready`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));

  // One active program per user, made through the API.
  const users = Array.from({ length: userCount }, (_, i) => `76000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const programs = new Map<string, { id: string; workoutId: string; exerciseId: string }>();
  for (const user of users) {
    const call = (query: string, variables: object) =>
      fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': user }, body: JSON.stringify({ query, variables }) }).then((r) => r.json() as Promise<any>);
    const created = (await call(`mutation ($input: ProgramInput!) { createProgram(input: $input) { id workouts { id exercises { id } } } }`, { input: programInput('Stress') })).data.createProgram;
    await call(`mutation ($id: ID!) { activateProgram(id: $id) { id } }`, { id: created.id });
    programs.set(user, { id: created.id, workoutId: created.workouts[0].id, exerciseId: created.workouts[0].exercises[0].id });
  }

  let graphqlErrors = 0;
  const errorSamples: string[] = [];
  let n = 0;
  process.stderr.write(`stress: ${connections} connections, ${duration} s, ${userCount} users, mixed reads (70%) and writes (30%)\n`);
  const result = await autocannon({
    url: `${base}/graphql`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          n += 1;
          const user = users[n % users.length]!;
          const program = programs.get(user)!;
          const write = n % 10 < 3;
          const body = write
            ? n % 2 === 0
              ? { query: `mutation ($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input, source: AI) { id } }`, variables: { id: program.id, input: programInput(`Stress ${n % 7}`) } }
              : { query: `mutation ($p: ID!, $w: ID!) { startSession(programId: $p, workoutId: $w) { id } }`, variables: { p: program.id, w: program.workoutId } }
            : { query: READS[n % READS.length] };
          return { ...request, headers: { 'content-type': 'application/json', 'x-user-id': user }, body: JSON.stringify(body) };
        },
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"errors"')) {
            graphqlErrors += 1;
            if (errorSamples.length < 5) errorSamples.push(body.slice(0, 300));
          }
        },
      },
    ],
  });
  const summary = {
    requests: result.requests.total,
    throughput: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
  };
  console.log(JSON.stringify(summary, null, 2));
  for (const sample of errorSamples) console.log(`error sample: ${sample}`);
  failed = summary.errors > 0 || summary.timeouts > 0 || summary.non2xx > 0 || graphqlErrors > 0 || summary.requests === 0;
  console.log(failed ? 'FAIL: errors under load' : 'OK: no errors under load');
} finally {
  if (server) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
