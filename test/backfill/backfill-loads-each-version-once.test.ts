import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { countStatements } from '../../src/db/statement-counter.js';
import { inTransaction } from '../../src/db/transaction.js';
import { contentHash } from '../../src/domain/content-hash.js';
import type { ProgramContent } from '../../src/domain/program.js';
import { insertVersions } from '../../src/store/version-store.js';
import type { VersionTree } from '../../src/store/version-tree.js';
import type { TestDatabase } from '../support/test-database.js';
import { withFreshDatabase } from './fresh-database.js';

/*
 * Regression: every session batch re-read the version trees of nearly every
 * program (sessions come in id order, i.e. from random users), although
 * version rows never change — on the bench corpus a third of the backfill's
 * PostgreSQL time. A run now keeps what it matched against by version id
 * (bounded), so each version is read once per run, and a program with two
 * versions still matches each session against the version current when it
 * started.
 */

const SETS = [{ reps: 5, repsMax: null, weightKg: 60, restSeconds: 120 }];
const exercise = (id: string, name: string) => ({ id, name, notes: null, sets: SETS });
const V1: ProgramContent = {
  workouts: [
    { id: 'a', name: 'Upper', exercises: [exercise('bench', 'Bench Press'), exercise('row', 'Barbell Row')] },
    { id: 'b', name: 'Lower', exercises: [exercise('squat', 'Back Squat')] },
  ],
  schedule: [{ dayOfWeek: 0, workoutIndex: 0 }],
};
const V2: ProgramContent = {
  workouts: [
    { id: 'a', name: 'Upper', exercises: [exercise('bench', 'Bench Press'), exercise('press', 'Overhead Press')] },
    { id: 'c', name: 'Legs', exercises: [exercise('squat', 'Back Squat'), exercise('lunge', 'Lunge')] },
  ],
  schedule: [{ dayOfWeek: 1, workoutIndex: 1 }],
};
/** What each era of history logged: before version 2 (2024) against version 1, after it (a skewed clock: 2031) against version 2. */
const ERAS = [
  { startedAt: '2024-03-01T10:00:00Z', workoutId: 'a', exerciseIds: ['bench', 'row'] },
  { startedAt: '2031-03-01T10:00:00Z', workoutId: 'c', exerciseIds: ['squat', 'lunge'] },
] as const;

const PROGRAMS = 3;
const VERSIONS = PROGRAMS * ERAS.length;
/** Each batch holds one session of every (program, era), so every batch matches against every version. */
const BATCH_SIZE = VERSIONS;
const BATCHES = 5;

const userId = (p: number) => `73000000-0000-4000-8000-${String(p + 1).padStart(12, '0')}`;
const programId = (p: number) => `74000000-0000-4000-8000-${String(p + 1).padStart(12, '0')}`;
const sessionId = (n: number) => `75000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`;
const setId = (n: number, k: number) => `76000000-0000-4000-8000-${String(n * 10 + k + 1).padStart(12, '0')}`;

interface Expected {
  readonly session: { programVersionId: string; workoutVersionId: string };
  readonly sets: ReadonlyMap<string, string>;
}

/** Programs with versions 1 and 2 (the blob is version 2, in sync), and BATCHES × VERSIONS unlinked sessions; what each must link to. */
async function seed(db: TestDatabase): Promise<Map<string, Expected>> {
  const versions: VersionTree[][] = [];
  for (let p = 0; p < PROGRAMS; p++) {
    const blob = { workouts: V2.workouts.map((w) => ({ id: w.id, name: w.name, exercises: w.exercises.map((e) => ({ id: e.id, name: e.name, sets: [{ reps: 5, restSeconds: 120 }] })) })), schedule: V2.schedule };
    await db.sql.query(`insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'P', true, $3)`, [programId(p), userId(p), JSON.stringify(blob)]);
    const trees: VersionTree[] = [];
    // One transaction each, so that version 2 is created after version 1.
    for (const [i, content] of [V1, V2].entries()) {
      const [tree] = await inTransaction(db.orm.em.fork(), (tx) =>
        insertVersions(tx, [
          { programId: programId(p), userId: userId(p), number: i + 1, parentId: trees[i - 1]?.id ?? null, source: i ? 'USER' : 'BACKFILL', name: 'P', contentHash: contentHash('P', content), content },
        ]),
      );
      trees.push(tree!);
    }
    await db.sql.query(`update programs set current_version_id = $2, legacy_json_version_id = $2 where id = $1`, [programId(p), trees[1]!.id]);
    versions.push(trees);
  }
  const expected = new Map<string, Expected>();
  const sessions: object[] = [];
  const sets: object[] = [];
  for (let n = 0; n < BATCHES * VERSIONS; n++) {
    const p = n % PROGRAMS;
    const era = Math.floor(n / PROGRAMS) % ERAS.length;
    const { startedAt, workoutId, exerciseIds } = ERAS[era]!;
    const version = versions[p]![era]!;
    sessions.push({ id: sessionId(n), user_id: userId(p), program_id: programId(p), workout_id: workoutId, started_at: startedAt });
    const setLinks = new Map<string, string>();
    exerciseIds.forEach((exerciseId, k) => {
      sets.push({ id: setId(n, k), session_id: sessionId(n), user_id: userId(p), exercise_id: exerciseId, exercise_name: exerciseId, set_number: k + 1 });
      setLinks.set(setId(n, k), version.exerciseRowIds.get(exerciseId)!);
    });
    expected.set(sessionId(n), { session: { programVersionId: version.id, workoutVersionId: version.workoutRowIds.get(workoutId)! }, sets: setLinks });
  }
  await db.sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, started_at, completed_at)
     select r.id, r.user_id, r.program_id, r.workout_id, r.started_at, r.started_at from jsonb_to_recordset($1::jsonb) as r(id uuid, user_id uuid, program_id uuid, workout_id text, started_at timestamptz)`,
    [JSON.stringify(sessions)],
  );
  await db.sql.query(
    `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps)
     select r.id, r.session_id, r.user_id, r.exercise_id, r.exercise_name, r.set_number, 5 from jsonb_to_recordset($1::jsonb) as r(id uuid, session_id uuid, user_id uuid, exercise_id text, exercise_name text, set_number int)`,
    [JSON.stringify(sets)],
  );
  return expected;
}

/** Backfills with `versionCacheSize`; the labels of its statements, and every session's and set's link afterwards. */
async function backfill(db: TestDatabase, versionCacheSize?: number) {
  const tally = { count: 0, labels: [] as string[] };
  const outcome = await countStatements(tally, () => runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: BATCH_SIZE, versionCacheSize }));
  const { rows: sessions } = await db.sql.query<{ id: string; program_version_id: string; workout_version_id: string }>(
    'select id, program_version_id, workout_version_id from workout_sessions',
  );
  const { rows: sets } = await db.sql.query<{ id: string; session_id: string; exercise_version_id: string }>('select id, session_id, exercise_version_id from workout_session_sets');
  const links = new Map<string, Expected>(
    sessions.map((s) => [
      s.id,
      {
        session: { programVersionId: s.program_version_id, workoutVersionId: s.workout_version_id },
        sets: new Map(sets.filter((st) => st.session_id === s.id).map((st) => [st.id, st.exercise_version_id])),
      },
    ]),
  );
  return { outcome, links, treeLoads: tally.labels.filter((l) => l === 'selectVersionTrees').length };
}

describe('a backfill over many batches of sessions of the same programs', () => {
  it('reads each version once per run, and links every session to the version current when it started', async () => {
    await withFreshDatabase(async (db) => {
      const expected = await seed(db);
      const { outcome, links, treeLoads } = await backfill(db);
      expect(outcome.sessions).toMatchObject({ total: BATCHES * VERSIONS, linked: BATCHES * VERSIONS, unmatched: 0 });
      expect(outcome.sets).toMatchObject({ total: BATCHES * VERSIONS * 2, linked: BATCHES * VERSIONS * 2, unmatched: 0 });
      expect(links).toEqual(expected);
      // The first batch reads all six versions in one statement; the other four batches read none.
      expect(treeLoads).toBe(1);
    });
  });

  it.each([
    { bound: VERSIONS, treeLoads: 1 },
    // Six versions per batch through a cache of two: every batch reads again what was evicted, and links the same.
    { bound: 2, treeLoads: BATCHES },
  ])('keeps at most its bound ($bound versions) and links the same after evicting', async ({ bound, treeLoads }) => {
    await withFreshDatabase(async (db) => {
      const expected = await seed(db);
      const run = await backfill(db, bound);
      expect(run.links).toEqual(expected);
      expect(run.outcome.sets).toMatchObject({ linked: BATCHES * VERSIONS * 2, unmatched: 0 });
      expect(run.treeLoads).toBe(treeLoads);
    });
  });
});
