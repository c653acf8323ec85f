import { readFileSync } from 'node:fs';
import pg from 'pg';
import { CEILING_FULL_TREE_SQL } from '../../bench/ceiling-sql.js';
import { assertSameTrees, canonicalFromOurs } from '../../bench/full-tree-equivalence.js';
import { FULL_TREE } from '../../bench/operations.js';
import { athleteId, seedCorpus } from '../../bench/seed-corpus.js';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { exposedId } from '../../src/domain/exposed-ids.js';
import { HISTORY_LIMITS } from '../../src/domain/history-limits.js';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { insertTwoOldPrograms, twoOldProgramsIds } from '../support/two-old-programs.js';

/**
 * The bench refuses to load contenders whose full trees differ, and a
 * difference found there costs a bench run. So the ceiling's one statement
 * (bench/ceiling-sql.ts) and the peer's last-performance column
 * (bench/peer/last-performance.sql) are held here to what our server answers,
 * on the data they meet: the bench corpus (legacy ids like "w1", "e1-2"), the
 * demo data (UUIDs, numeric and derived ids) and a user whose two old programs
 * share ids "1", "2", "3" — with an exercise logged with more sets in one
 * session than a last performance shows.
 */
const old = twoOldProgramsIds('7b000000');
const CORPUS_ATHLETES = 3;
const USERS = [...Object.values(DEMO_USERS), old.USER, ...Array.from({ length: CORPUS_ATHLETES }, (_, i) => athleteId(i + 1))];

let db: TestDatabase;
let versioned: TestApp;
let runtime: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params));
  await insertTwoOldPrograms(db.sql, old);
  await insertLongSession(db.sql);
  await seedCorpus(db.adminUrl, { users: CORPUS_ATHLETES, libraryUsers: 0, weeks: 3, chunkUsers: CORPUS_ATHLETES }, () => {});
  await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 50 });
  // The peer's computed column, as the bench creates it before PostGraphile starts.
  await db.sql.query(readFileSync(new URL('../../bench/peer/last-performance.sql', import.meta.url), 'utf8'));
  // The ceiling and the peer read the version tables: the versioned path is what they answer like (the
  // legacy path may find less history, e.g. none for sets logged without an id, which the backfill links by name).
  versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, db);
  // As the service login: the ceiling needs nothing the app's role lacks.
  runtime = new pg.Client(db.url);
  await runtime.connect();
}, 120_000);

afterAll(async () => {
  await runtime?.end();
  await versioned?.close();
  await db?.close();
});

/** Program A's exercise "3", the latest it was trained: more sets in one session than a last performance shows. */
const LONG_SESSION = { id: `${old.USER.slice(0, 8)}-0000-4000-8000-0000000000c3`, startedAt: '2026-11-04T07:00:00Z', sets: HISTORY_LIMITS.maxSetsPerPerformance + 2 };

async function insertLongSession(sql: pg.Pool): Promise<void> {
  await sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, started_at, completed_at)
     values ($1, $2, $3, '2', $4, $4::timestamptz + interval '1 hour')`,
    [LONG_SESSION.id, old.USER, old.A, LONG_SESSION.startedAt],
  );
  await sql.query(
    `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, completed_at)
     select gen_random_uuid(), $1, $2, '3', 'Deadlift', n, 5, 100 + n, $3::timestamptz + interval '1 minute' * n
     from generate_series(1, $4::int) n`,
    [LONG_SESSION.id, old.USER, LONG_SESSION.startedAt, LONG_SESSION.sets],
  );
}

async function ceiling(userId: string): Promise<any> {
  const { rows } = await runtime.query<{ body: string }>({ name: 'ceilingFullTree', text: CEILING_FULL_TREE_SQL, values: [userId] });
  return JSON.parse(rows[0]!.body);
}

/** Our response, re-parsed in this realm: `fetch` builds its objects in Node's, and the bench's strict comparison tells prototypes apart. */
const fullTree = async (app: TestApp, userId: string): Promise<any> => ({ data: JSON.parse(JSON.stringify(ok(await app.gql(FULL_TREE, {}, userId)))) });

describe('the ceiling statement', () => {
  it.each(USERS)('answers the full tree exactly as our server does, ids included (user %s)', async (userId) => {
    const [ours, theirs] = await Promise.all([fullTree(versioned, userId), ceiling(userId)]);
    assertSameTrees(userId, { ours: canonicalFromOurs(ours), ceiling: canonicalFromOurs(theirs) });
    // Field for field, not only after the bench's normalisation: the ids are the ones our server exposes.
    const ids = (r: any) => r.data.activeProgram.workouts.flatMap((w: any) => [w.id, ...w.exercises.map((e: any) => e.id)]);
    expect(ids(theirs)).toEqual(ids(ours));
    expect(theirs.data.activeProgram.schedule).toEqual(ours.data.activeProgram.schedule);
    expect(theirs.data.activeProgram.workouts.map((w: any) => w.exercises.map((e: any) => e.lastPerformance)))
      .toEqual(ours.data.activeProgram.workouts.map((w: any) => w.exercises.map((e: any) => e.lastPerformance)));
  });

  it('exposes legacy ids program-qualified and counts a legacy id in its own program only', async () => {
    const tree = (await ceiling(old.USER)).data.activeProgram;
    expect(tree.workouts.map((w: any) => w.id)).toEqual([`${old.A}:1`, `${old.A}:2`]);
    const [first, , third] = tree.workouts.flatMap((w: any) => w.exercises);
    // Program B trained exercise "1" later, at 40 kg: not this program's history.
    expect(first.lastPerformance.sets.map((s: any) => s.weightKg)).toEqual([100]);
    expect(third.lastPerformance.sets).toHaveLength(HISTORY_LIMITS.maxSetsPerPerformance);
  });
});

describe("the peer's last-performance column", () => {
  it.each(USERS)('answers each exercise of the active program as our server does (user %s)', async (userId) => {
    const ours = await fullTree(versioned, userId);
    const program = ours.data.activeProgram;
    const { rows } = await db.sql.query<{ exercise_id: string; last: unknown }>(
      `select e.exercise_id, program_version_exercises_last_performance(e) as last
       from programs p join program_version_exercises e on e.program_version_id = p.current_version_id
       where p.id = $1 order by e.exercise_id`,
      [program.id],
    );
    const peer = new Map(rows.map((r) => [exposedId(program.id, r.exercise_id), r.last]));
    const exercises = program.workouts.flatMap((w: any) => w.exercises);
    expect(peer.size).toBe(exercises.length);
    for (const e of exercises) expect([e.id, peer.get(e.id) ?? null]).toEqual([e.id, e.lastPerformance]);
  });
});
