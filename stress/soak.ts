import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './free-port.js';
import pg from 'pg';
import pino from 'pino';
import { runBackfill } from '../src/backfill/backfill-runner.js';
import { loadConfig } from '../src/config.js';
import { createDatabaseIfMissing } from '../src/db/database.js';
import { embeddedUrl, startEmbeddedDatabase } from '../src/db/embedded-database.js';
import { migrateUp } from '../src/db/migrator.js';
import { createOrm } from '../src/db/orm.js';
import { DEMO_USERS } from '../src/seed/demo-data.js';
import { seedDemoData } from '../src/seed/seed-demo.js';
import { startApp } from '../src/server/app.js';
import { runVerify } from '../src/verify/verify-runner.js';

/**
 * `npm run soak [-- --minutes N]`: interleaves edits, sessions, sets, backfill
 * runs and flag flips (every legal phase, in both directions) for N minutes on
 * the demo data, then checks: nothing acknowledged lost, no historic column
 * changed except NULL fills, and `verify` finds no mismatch. Exit 1 otherwise.
 */
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' } } });
const until = Date.now() + Number(values.minutes) * 60_000;
const PHASES: Record<string, string>[] = [
  {},
  { PROGRAM_VERSIONING_WRITES: '50%' },
  { PROGRAM_VERSIONING_WRITES: 'on' },
  { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: '50%', SHADOW_READ_SAMPLE: '0.5' },
  { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', SHADOW_READ_SAMPLE: '1' },
  { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' },
  { PROGRAM_VERSIONING_WRITES: '50%', PROGRAM_VERSIONING_READS: '20%' },
];
const USERS = Object.values(DEMO_USERS);

const sets = [{ reps: 5, repsMax: 8, weightKg: 60, restSeconds: 120 }];
const input = (n: number) => ({
  name: `Soak ${n % 5}`,
  workouts: ['A', 'B', 'C'].slice(0, 2 + (n % 2)).map((w) => ({ name: `Workout ${w}`, exercises: ['Press', 'Row', 'Squat'].map((e) => ({ name: `${w} ${e}`, sets })) })),
  schedule: [{ dayOfWeek: n % 7, workoutIndex: 0 }],
});


const dir = mkdtempSync(join(tmpdir(), 'training-soak-'));
const database = await startEmbeddedDatabase({ dir, port: await freePort() });
let ok = true;
const fail = (message: string) => {
  ok = false;
  console.log(`FAIL: ${message}`);
};
try {
  await createDatabaseIfMissing(database.adminUrl, 'soak');
  const url = embeddedUrl(database.port, 'soak');
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  // An idle connection the server ends (the database stopping below) is reported, not a crash after the verdict.
  sql.on('error', (error) => console.error(`soak: an idle connection of its own pool ended: ${error.message}`));
  const orm = await createOrm({ url, poolMax: 10 });
  await migrateUp(orm);
  await seedDemoData((text, params) => sql.query(text, params));
  const history = async () =>
    new Map(
      (
        await sql.query(`select 's' || id as k, concat_ws('|', user_id, program_id, workout_id, started_at, notes) as v, workout_name_snapshot as n, completed_at as c from workout_sessions
                         union all select 't' || id, concat_ws('|', session_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at), null, null from workout_session_sets`)
      ).rows.map((r) => [r.k as string, r]),
    );
  const before = await history();
  const acknowledged = { sessions: new Set<string>(), sets: 0, edits: 0 };
  let n = 0;
  let phase = 0;
  let backfills = 0;
  while (Date.now() < until) {
    const env = PHASES[phase % PHASES.length]!;
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: url, ...env });
    const app = await startApp(config, orm, pino({ level: 'silent' }));
    const gql = async (user: string, query: string, variables: object = {}) => {
      const response = await fetch(`${app.url}graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': user }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as any;
      if (body.errors) fail(`phase ${JSON.stringify(env)}: ${JSON.stringify(body.errors).slice(0, 300)}`);
      return body.data;
    };
    const phaseEnd = Math.min(until, Date.now() + 15_000);
    await Promise.all(
      USERS.map(async (user) => {
        while (Date.now() < phaseEnd) {
          n += 1;
          const active = (await gql(user, `{ activeProgram { id workouts { id exercises { id lastPerformance { sets { reps } } } } } sessions(first: 5) { edges { node { workoutName sets { reps } } } } }`))?.activeProgram;
          if (!active) continue;
          if (n % 3 === 0) {
            if (await gql(user, `mutation ($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input, source: AI) { id } }`, { id: active.id, input: input(n) })) acknowledged.edits += 1;
            continue;
          }
          const workout = active.workouts[n % active.workouts.length];
          const session = (await gql(user, `mutation ($p: ID!, $w: ID!) { startSession(programId: $p, workoutId: $w) { id } }`, { p: active.id, w: workout.id }))?.startSession;
          if (!session) continue;
          acknowledged.sessions.add(session.id);
          for (const [i, exercise] of workout.exercises.entries()) {
            if (await gql(user, `mutation ($s: ID!, $in: LoggedSetInput!) { logSet(sessionId: $s, input: $in) { id } }`, { s: session.id, in: { exerciseId: exercise.id, setNumber: 1, reps: 5 + i, weightKg: 50 } })) acknowledged.sets += 1;
          }
          await gql(user, `mutation ($s: ID!) { completeSession(sessionId: $s) { id } }`, { s: session.id });
        }
      }),
    );
    await app.close();
    if (phase % 2 === 1) {
      await runBackfill(orm, { url, dryRun: false, batchSize: 50 });
      backfills += 1;
    }
    phase += 1;
  }
  // The end state must reach Phase 4 cleanly: a last backfill, then verify.
  await runBackfill(orm, { url, dryRun: false, batchSize: 50 });
  const mismatches: unknown[] = [];
  const counts = await runVerify(orm, { batchSize: 100, onMismatch: (m) => mismatches.push(m) });
  if (mismatches.length) fail(`verify found ${mismatches.length} mismatches: ${JSON.stringify(mismatches.slice(0, 3))}`);
  const after = await history();
  for (const [key, row] of before) {
    const now = after.get(key);
    if (!now) fail(`history row ${key} lost`);
    else if (now.v !== row.v || (row.n !== null && now.n !== row.n) || (row.c !== null && String(now.c) !== String(row.c))) fail(`history row ${key} changed`);
  }
  const stored = (await sql.query('select count(*)::int as n from workout_session_sets st join workout_sessions s on s.id = st.session_id where s.id = any($1)', [[...acknowledged.sessions]])).rows[0].n;
  if (stored < acknowledged.sets) fail(`${acknowledged.sets} sets acknowledged, ${stored} stored`);
  console.log(JSON.stringify({ phases: phase, backfills: backfills + 1, edits: acknowledged.edits, sessions: acknowledged.sessions.size, sets: acknowledged.sets, verify: counts }, null, 2));
  console.log(ok ? 'OK: nothing lost, nothing changed, parity holds' : 'FAIL');
  // Closing is not what the soak checks, but a failure to close is said, and the pool still ends before the database.
  await orm.close().catch((error: unknown) => console.error(`soak: closing the ORM failed: ${error instanceof Error ? error.stack : String(error)}`));
  await sql.end();
} finally {
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
