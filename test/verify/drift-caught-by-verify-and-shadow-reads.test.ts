import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningApp } from '../../src/server/app.js';
import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { startShadowReadingApp, type LoggedLine } from '../support/shadow-reading-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * Regression: `npm run verify` re-implemented the reads and compared content
 * only (a program renamed in `programs.name` but not in its version passed),
 * and shadow reads compared the caller's answer, served from the process's
 * version-tree cache, so a version row changed in the database went unseen.
 * Now both run the server's two read paths on one snapshot of the tables:
 * drift in the blob, in the program's name and in a version row is caught by
 * both, with the path that differs.
 */

const run = promisify(execFile);
const BLOB_USER = '73000000-0000-4000-8000-000000000001';
const NAME_USER = '73000000-0000-4000-8000-000000000002';
const VERSION_USER = '73000000-0000-4000-8000-000000000003';

let db: TestDatabase;
let app: RunningApp;
let lines: LoggedLine[] = [];
const programs = new Map<string, string>();

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app, logged: lines } = await startShadowReadingApp(db));
  for (const user of [BLOB_USER, NAME_USER, VERSION_USER]) {
    const created = await gql(CREATE_PROGRAM, user, { input: upperLower(`Program of ${user.slice(-1)}`) });
    programs.set(user, created.data.createProgram.id);
  }
  await settled();
});
afterAll(async () => {
  await app.close();
  await db.close();
});

async function gql(query: string, user: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${app.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': user },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body;
}

async function shadowCount(outcome?: string, operation = 'program'): Promise<number> {
  const metric = await app.metrics.shadowReads.get();
  return metric.values.filter((v) => v.labels.operation === operation && (outcome === undefined || v.labels.outcome === outcome)).reduce((sum, v) => sum + v.value, 0);
}

/** Waits (bounded) until every shadow comparison started so far has been counted. */
async function settled(): Promise<void> {
  let last = -1;
  for (let i = 0; i < 400; i++) {
    const metric = await app.metrics.shadowReads.get();
    const now = metric.values.reduce((sum, v) => sum + v.value, 0);
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Reads one program as its user (versioned path, shadow-read), and returns the shadow comparison's warning about it. */
async function shadowWarningAbout(user: string) {
  const id = programs.get(user)!;
  const before = await shadowCount();
  const mismatchedBefore = await shadowCount('mismatched');
  const logged = lines.length;
  await gql(`query ($id: ID!) { program(id: $id) { name workouts { name exercises { name sets { weightKg } } } } }`, user, { id });
  for (let i = 0; i < 400 && (await shadowCount()) === before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await shadowCount('mismatched')).toBe(mismatchedBefore + 1);
  return lines.slice(logged).find((l) => l.msg?.startsWith('shadow read mismatch'));
}

async function verify(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('node_modules/.bin/tsx', ['src/cli/verify.ts', ...args], { env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: '' }, cwd: process.cwd() });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('drift between the legacy columns and the version tables', () => {
  it('(a) an exercise weight changed in the blob', async () => {
    await db.sql.query(`update programs set program_json = jsonb_set(program_json, '{workouts,0,exercises,0,sets,0,weightKg}', '61') where id = $1`, [programs.get(BLOB_USER)]);
    expect(await shadowWarningAbout(BLOB_USER)).toMatchObject({ operation: 'program', paths: ['content.workouts.0.exercises.0.sets.0.weightKg'] });
  });

  it("(b) the program's name changed in programs.name only", async () => {
    await db.sql.query(`update programs set name = 'Renamed behind the service' where id = $1`, [programs.get(NAME_USER)]);
    expect(await shadowWarningAbout(NAME_USER)).toMatchObject({ operation: 'program', paths: ['name'] });
  });

  it('(c) an exercise renamed in a version row (history guards switched off, as only a superuser can)', async () => {
    // Read once first, as users do: the process now holds the version tree in its cache.
    await gql(`query ($id: ID!) { program(id: $id) { workouts { exercises { name } } } }`, VERSION_USER, { id: programs.get(VERSION_USER) });
    await settled();
    const client = await db.sql.connect();
    try {
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      const changed = await client.query(
        `update program_version_exercises e set name = 'Drifted'
         from programs p, program_version_workouts w
         where p.id = $1 and w.program_version_id = p.current_version_id and w.position = 0
           and e.program_version_workout_id = w.id and e.position = 0`,
        [programs.get(VERSION_USER)],
      );
      expect(changed.rowCount).toBe(1);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await shadowWarningAbout(VERSION_USER)).toMatchObject({ operation: 'program', paths: ['content.workouts.0.exercises.0.name'] });
  });

  it('verify: exit 1, one report entry per drifted program naming the path, and nothing else', async () => {
    await settled();
    const reportFile = join(tmpdir(), `drift-${db.name}.json`);
    const result = await verify('--report', reportFile, '--batch-size', '2');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/programs: 3 — 0 match, 3 differ/);
    expect(result.stdout).toMatch(/MISMATCH: 3 record\(s\) read differently/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const entry = (user: string, paths: string[]) => ({ kind: 'program', id: programs.get(user), userId: user, reason: 'CONTENT_DIFFERS', paths });
    expect(report.mismatches).toEqual(
      expect.arrayContaining([
        entry(BLOB_USER, ['workouts.0.exercises.0.sets.0.weightKg']),
        entry(NAME_USER, ['name']),
        entry(VERSION_USER, ['workouts.0.exercises.0.name']),
      ]),
    );
    expect(report.mismatches).toHaveLength(3);
    expect(report).toMatchObject({ ok: false, programs: { total: 3, matched: 0, mismatched: 3, unversioned: 0 } });
  });
});
