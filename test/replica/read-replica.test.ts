import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabaseIfMissing } from '../../src/db/database.js';
import { embeddedUrl, SERVICE_LOGIN, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded-database.js';
import { migrateUp } from '../../src/db/migrator.js';
import { createOrm } from '../../src/db/orm.js';
import { ensureServiceLogin } from '../../src/db/service-login.js';
import { versionTreeCache } from '../../src/store/version-tree-cache.js';
import { freePort, readyStatus } from '../cli/processes.js';
import { adminPool } from '../support/admin-pool.js';
import { upperLower } from '../support/fixtures.js';
import { startPhysicalStandby, type PhysicalStandby } from '../support/physical-standby.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import type { TestDatabase } from '../support/test-database.js';

/*
 * DATABASE_READ_URL against a real physical standby: a streaming replica of
 * this file's own primary, made by an online base backup (test/support/
 * physical-standby.ts). Only version trees by id are read from it; what it
 * does not have yet, or cannot answer, comes from the primary in the same
 * request, and everything a user may just have written is read from the
 * primary. Both servers log statements to pg_stat_statements, so where a read
 * ran is PostgreSQL's own record, not the app's.
 */

const DATABASE = 'replicated';
const PRELOAD = ['-c', 'shared_preload_libraries=pg_stat_statements'];

let dir: string;
let primary: EmbeddedDatabase;
let standby: PhysicalStandby;
let db: TestDatabase;
let admin: pg.Pool;
let t: TestApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'read-replica-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach both clusters
  primary = await startEmbeddedDatabase({ dir: join(dir, 'primary'), port: await freePort(), postgresFlags: [...PRELOAD, '-c', 'wal_level=replica'] });
  await createDatabaseIfMissing(primary.adminUrl, DATABASE);
  const adminUrl = embeddedUrl(primary.port, DATABASE);
  const migrationOrm = await createOrm({ url: adminUrl, poolMax: 1 });
  await migrateUp(migrationOrm);
  await migrationOrm.close();
  await ensureServiceLogin(primary.adminUrl, SERVICE_LOGIN);
  admin = adminPool(adminUrl, 2);
  await admin.query('create extension if not exists pg_stat_statements');
  standby = await startPhysicalStandby({ primaryAdminUrl: primary.adminUrl, primaryDir: join(dir, 'primary'), dir: join(dir, 'standby'), port: await freePort(), postgresFlags: PRELOAD });
  await standby.catchUp(DATABASE);
  const url = embeddedUrl(primary.port, DATABASE, SERVICE_LOGIN);
  const orm = await createOrm({ url, poolMax: 10 });
  db = { name: DATABASE, url, adminUrl, orm, migrationOrm: () => Promise.reject(new Error('not used here')), sql: admin, close: () => orm.close() };
  t = await startTestApp(
    {
      PROGRAM_VERSIONING_WRITES: 'on',
      PROGRAM_VERSIONING_READS: 'on',
      DATABASE_READ_URL: standby.url(DATABASE, SERVICE_LOGIN),
      // Generous: a busy 2-core machine must not turn a healthy replica into a fallback; the outage below is refused at once.
      DATABASE_READ_TIMEOUT_MS: '5000',
      DATABASE_READ_RETRY_MS: '200',
    },
    db,
  );
}, 180_000);

afterAll(async () => {
  await t?.close();
  await db?.close();
  await admin?.end();
  await standby?.close();
  await primary?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const PROGRAM = `query ($id: ID!) { program(id: $id) { id name
  currentVersion { id number name workouts { name exercises { name sets { reps } } } }
  versions(first: 10) { id number name workouts { name } } } }`;
// Mutations select no version: reading one back would load (and cache) its tree before the step under test.
const CREATE = `mutation ($input: ProgramInput!) { createProgram(input: $input) { id workouts { id exercises { id } } } }`;
const MODIFY = `mutation ($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input) { id name } }`;
const START = `mutation ($programId: ID!, $workoutId: ID!) { startSession(programId: $programId, workoutId: $workoutId) { id } }`;
const LOG_SET = `mutation ($sessionId: ID!, $input: LoggedSetInput!) { logSet(sessionId: $sessionId, input: $input) { id } }`;
const COMPLETE = `mutation ($sessionId: ID!) { completeSession(sessionId: $sessionId) { id } }`;
const AFTER_SET = `query ($sessionId: ID!, $exerciseIds: [ID!]!) {
  session(id: $sessionId) { id sets { exerciseId setNumber reps weightKg } programVersion { id number workouts { name } } }
  lastPerformance(exerciseIds: $exerciseIds) { exerciseId sets { setNumber reps weightKg } }
  sessions(first: 5) { edges { node { id sets { reps } } } } }`;

type Program = { id: string; workouts: { id: string; exercises: { id: string }[] }[] };

const gql = async (query: string, variables: Record<string, unknown> = {}) => ok(await t.gql(query, variables));

/**
 * The process keeps the trees of the versions it writes, from their commit.
 * The writes here forget them again: the reads under test are those of a
 * process that did not write them (another replica of the service).
 */
async function createProgram(name: string): Promise<Program> {
  const created = (await gql(CREATE, { input: upperLower(name) })).createProgram;
  versionTreeCache.clear();
  return created;
}

/** A new version of the program: renamed, and its first workout renamed (ids kept). */
async function modify(program: Program, name: string): Promise<void> {
  const input = upperLower(name);
  const withIds = {
    ...input,
    workouts: input.workouts.map((w, i) => ({
      ...w,
      name: i === 0 ? `${name}: ${w.name}` : w.name,
      id: program.workouts[i]!.id,
      exercises: w.exercises.map((e, j) => ({ ...e, id: program.workouts[i]!.exercises[j]!.id })),
    })),
  };
  await gql(MODIFY, { id: program.id, input: withIds });
  versionTreeCache.clear();
}

type TreeReads = { hit: number; miss: number; fallback: number };

/** The id of a program's version `number`, as the primary holds it. */
async function versionId(programId: string, number: number): Promise<string> {
  const { rows } = await admin.query<{ id: string }>('select id from program_versions where program_id = $1 and version_number = $2', [programId, number]);
  return rows[0]!.id;
}

async function treeReads(): Promise<TreeReads> {
  const counted = { hit: 0, miss: 0, fallback: 0 };
  for (const { labels, value } of (await t.app.metrics.replicaTrees.get()).values) counted[labels.outcome as keyof typeof counted] = value;
  return counted;
}

async function replicaFailures(): Promise<number> {
  return (await t.app.metrics.replicaFailures.get()).values.reduce((sum, { value }) => sum + value, 0);
}

/** Calls of the version-tree statement by the service login, as the server at `url` recorded them. */
async function treeStatementCalls(url: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ calls: string }>(
      `select coalesce(sum(s.calls), 0) as calls from pg_stat_statements s join pg_roles r on r.oid = s.userid
       where r.rolname = $1 and s.query like '/* selectVersionTrees */%'`,
      [SERVICE_LOGIN.user],
    );
    return Number(rows[0]!.calls);
  } finally {
    await client.end();
  }
}

const delta = (after: TreeReads, before: TreeReads): TreeReads => ({ hit: after.hit - before.hit, miss: after.miss - before.miss, fallback: after.fallback - before.fallback });

test('the standby is a physical streaming replica of the primary', async () => {
  const { rows } = await admin.query<{ state: string }>(`select state from pg_stat_replication`);
  expect(rows.map((r) => r.state)).toEqual(['streaming']);
  const client = new pg.Client(standby.url(DATABASE));
  await client.connect();
  const { rows: recovery } = await client.query<{ standby: boolean }>('select pg_is_in_recovery() as standby');
  await client.end();
  expect(recovery[0]!.standby).toBe(true);
});

test('version trees the process has not cached are read from the replica, not the primary', async () => {
  const program = await createProgram('Replica read');
  await modify(program, 'Replica read v2');
  await standby.catchUp(DATABASE);
  const [before, onPrimary, onStandby] = [await treeReads(), await treeStatementCalls(db.adminUrl), await treeStatementCalls(standby.url(DATABASE))];

  const read = (await gql(PROGRAM, { id: program.id })).program;

  expect(read.currentVersion).toMatchObject({ id: await versionId(program.id, 2), number: 2, name: 'Replica read v2' });
  expect(read.currentVersion.workouts[0].name).toBe('Replica read v2: Upper A');
  expect(read.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
  expect(delta(await treeReads(), before)).toEqual({ hit: 2, miss: 0, fallback: 0 });
  expect(await treeStatementCalls(standby.url(DATABASE))).toBeGreaterThan(onStandby);
  expect(await treeStatementCalls(db.adminUrl)).toBe(onPrimary);
});

/** Runs `work` with the standby's replay paused (it keeps receiving WAL, and applies none of it). */
async function whileReplayPaused<T>(work: () => Promise<T>): Promise<T> {
  await standby.catchUp(DATABASE);
  await standby.pauseReplay(DATABASE);
  try {
    return await work();
  } finally {
    await standby.resumeReplay(DATABASE);
  }
}

describe('with replay paused on the standby', () => {
  test('a version written on the primary since is read from the primary, beside the older ones from the replica', async () => {
    const program = await createProgram('Lagging');
    await modify(program, 'Lagging v2');
    const { before, read } = await whileReplayPaused(async () => {
      await modify(program, 'Lagging v3');
      const before = await treeReads();
      return { before, read: (await gql(PROGRAM, { id: program.id })).program };
    });

    expect(read.name).toBe('Lagging v3');
    expect(read.currentVersion).toMatchObject({ id: await versionId(program.id, 3), number: 3, name: 'Lagging v3' });
    expect(read.currentVersion.workouts.map((w: { name: string }) => w.name)).toEqual(['Lagging v3: Upper A', 'Lower A']);
    expect(read.versions.map((v: { number: number; name: string }) => [v.number, v.name])).toEqual([
      [3, 'Lagging v3'],
      [2, 'Lagging v2'],
      [1, 'Lagging'],
    ]);
    // v3 is not on the replica yet: the one miss; v1 and v2 came from it.
    expect(delta(await treeReads(), before)).toEqual({ hit: 2, miss: 1, fallback: 0 });
  });

  test('a set just logged is read back from the primary: the session, last performance, history', async () => {
    const program = await createProgram('Training');
    const bench = program.workouts[0]!.exercises[0]!.id;
    const { session, read } = await whileReplayPaused(async () => {
      const session = (await gql(START, { programId: program.id, workoutId: program.workouts[0]!.id })).startSession;
      await gql(LOG_SET, { sessionId: session.id, input: { exerciseId: bench, setNumber: 1, reps: 7, weightKg: 62.5 } });
      await gql(COMPLETE, { sessionId: session.id });
      return { session, read: await gql(AFTER_SET, { sessionId: session.id, exerciseIds: [bench] }) };
    });

    expect(read.session.sets).toEqual([{ exerciseId: bench, setNumber: 1, reps: 7, weightKg: 62.5 }]);
    expect(read.session.programVersion).toMatchObject({ number: 1, workouts: [{ name: 'Upper A' }, { name: 'Lower A' }] });
    expect(read.lastPerformance).toEqual([{ exerciseId: bench, sets: [{ setNumber: 1, reps: 7, weightKg: 62.5 }] }]);
    expect(read.sessions.edges[0].node).toEqual({ id: session.id, sets: [{ reps: 7 }] });
  });
});

test('a standby whose reads hang (on a replayed lock) makes reads fall back to the primary', async () => {
  const program = await createProgram('Slow');
  await modify(program, 'Slow v2');
  // The standby replays the primary's ACCESS EXCLUSIVE lock and, paused, keeps holding it: its reads of the table wait,
  // until the replica pool's lock_timeout (DB_LOCK_TIMEOUT_MS, capped at DATABASE_READ_TIMEOUT_MS) ends them.
  const locker = new pg.Client(db.adminUrl);
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query('lock table program_versions in access exclusive mode');
    await admin.query('select txid_current()'); // a commit flushes the WAL up to it, the lock's record included
    await whileReplayPaused(async () => {
      await locker.query('rollback');
      const before = await treeReads();
      const failuresBefore = await replicaFailures();

      const read = (await gql(PROGRAM, { id: program.id })).program;

      expect(read.currentVersion).toMatchObject({ id: await versionId(program.id, 2), number: 2, name: 'Slow v2' });
      expect(read.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
      expect(delta(await treeReads(), before)).toMatchObject({ hit: 0, miss: 0 });
      expect((await treeReads()).fallback).toBeGreaterThan(before.fallback);
      expect(await replicaFailures()).toBeGreaterThan(failuresBefore);
    });
  } finally {
    await locker.end();
  }
}, 60_000);

test('a standby that goes away makes reads fall back to the primary, and is used again once it is back', async () => {
  // The test before ends with a replica failure: wait out its skip window (DATABASE_READ_RETRY_MS), or the read below
  // could skip the replica without trying it, and count no failure of its own.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const program = await createProgram('Outage');
  await standby.stop('immediate');
  try {
    const before = await treeReads();
    const failuresBefore = await replicaFailures();
    await modify(program, 'Outage v2');

    const read = (await gql(PROGRAM, { id: program.id })).program;

    expect(read.currentVersion).toMatchObject({ id: await versionId(program.id, 2), number: 2, name: 'Outage v2' });
    expect(read.versions).toHaveLength(2);
    expect(delta(await treeReads(), before)).toMatchObject({ hit: 0, miss: 0 });
    expect((await treeReads()).fallback).toBeGreaterThan(before.fallback);
    expect(await replicaFailures()).toBeGreaterThan(failuresBefore);
    // Optional: the service stays ready without it.
    expect(await readyStatus(Number(new URL(t.app.url).port))).toBe(200);
  } finally {
    await standby.start();
  }
  await standby.catchUp(DATABASE);

  // Each try reads a version no one has read yet (a cache miss); the replica is skipped for 200 ms after a failure.
  let hits = 0;
  for (let attempt = 1; hits === 0 && attempt <= 50; attempt++) {
    await modify(program, `Outage v${attempt + 2}`);
    await standby.catchUp(DATABASE);
    const before = await treeReads();
    expect((await gql(PROGRAM, { id: program.id })).program.currentVersion.id).toBe(await versionId(program.id, attempt + 2));
    hits = (await treeReads()).hit - before.hit;
    if (hits === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(hits).toBeGreaterThan(0);
}, 120_000);
