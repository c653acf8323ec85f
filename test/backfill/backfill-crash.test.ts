import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { BackfillBusy, runBackfill, type BackfillProgress } from '../../src/backfill/backfill-runner.js';
import type { BackfillOutcome } from '../../src/backfill/backfill-report.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { advisoryLocksReleased, checkpointedRows, killHard, killStillRunning, sleep, startBackfillCli, waitFor } from './cli-process.js';
import { fixedCorpus, SMALL_CORPUS } from './corpus.js';
import { expectedCounts, expectedOutcomes } from './expected-outcomes.js';
import { withFreshDatabase } from './fresh-database.js';
import { insertCorpus, legacyColumns, versionTrees } from './legacy-rows.js';

/*
 * Crash safety of the backfill: the same corpus in two databases; A is
 * backfilled in one go, B by the real command killed with SIGKILL again and
 * again, then left to finish. Both must end in the same state — the same
 * versions, the same links, the same report — and B's one run must say it
 * resumed and completed. Also: one backfill at a time.
 */

const BATCH_SIZE = 5;
const CORPUS = fixedCorpus({ users: 20, minPrograms: 60, maxPrograms: 60, minSessions: 400, maxSessions: 400, maxSetsPerSession: 14 }, 20240601);
const ROWS = CORPUS.programs.length + CORPUS.sessions.length;
/** The first kill's delay: somewhere in 100–600 ms (fixed per corpus, so a failure replays). */
const EARLY_KILL_MS = 100 + (CORPUS.sets.length % 500);

let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await Promise.all([insertCorpus(a.sql, CORPUS), insertCorpus(b.sql, CORPUS)]);
});
afterAll(async () => {
  await killStillRunning();
  await a?.close();
  await b?.close();
});

describe('a backfill killed with SIGKILL and resumed', () => {
  it('ends exactly where an uninterrupted backfill ends', async () => {
    const pristine = await legacyColumns(a.sql);
    expect(await legacyColumns(b.sql)).toEqual(pristine);
    expect(CORPUS.sets.length).toBeGreaterThan(2000);

    const uninterrupted = await runBackfill(a.orm, { url: a.url, dryRun: false, batchSize: BATCH_SIZE });
    expect({ programs: uninterrupted.programs, sessions: uninterrupted.sessions, sets: uninterrupted.sets }).toEqual(expectedCounts(expectedOutcomes(CORPUS)));
    expect(uninterrupted.sessions.unmatched).toBeGreaterThan(0);
    expect(uninterrupted.sets.unmatched).toBeGreaterThan(0);
    expect(uninterrupted.programs.unreadable).toBeGreaterThan(0);

    // The first kill comes early (likely before the command has even connected),
    // the others each after the run has checkpointed further than at the last kill:
    // in the program phase, then ever deeper into the session phase.
    const killed: { afterRows: number | null }[] = [];
    {
      const run = startBackfillCli(b.url, ['--batch-size', String(BATCH_SIZE)]);
      await sleep(EARLY_KILL_MS);
      expect(run.child.exitCode).toBeNull();
      await killHard(run);
      killed.push({ afterRows: await checkpointedRows(b.sql) });
      await advisoryLocksReleased(b.sql);
    }
    for (const target of [Math.ceil(CORPUS.programs.length / 3), ROWS * 0.3, ROWS * 0.55, ROWS * 0.8]) {
      const run = startBackfillCli(b.url, ['--batch-size', String(BATCH_SIZE)]);
      const reached = await waitFor(`the backfill to checkpoint ${target} rows`, async () => {
        if (run.child.exitCode !== null) throw new Error(`the command finished (exit ${run.child.exitCode}) before it could be killed:\n${run.stderr()}`);
        const rows = await checkpointedRows(b.sql);
        return rows !== null && rows >= target ? rows : undefined;
      });
      await killHard(run);
      const after = await checkpointedRows(b.sql);
      expect(after).not.toBeNull(); // killed mid-run: the run is still open
      expect(after!).toBeGreaterThanOrEqual(reached);
      expect(after!).toBeLessThan(ROWS);
      killed.push({ afterRows: after });
      await advisoryLocksReleased(b.sql);
    }
    const progress = killed.map((k) => k.afterRows ?? 0);
    expect(progress.slice(1)).toEqual([...progress.slice(1)].sort((x, y) => x - y));

    const reportFile = join(mkdtempSync(join(tmpdir(), 'backfill-crash-')), 'report.json');
    const last = startBackfillCli(b.url, ['--batch-size', String(BATCH_SIZE), '--report', reportFile]);
    const exit = await last.exited;
    expect({ exit, stderr: last.stderr() }).toMatchObject({ exit: { code: 0, signal: null } });
    const resumed = /resuming interrupted run ([0-9a-f-]{36})/.exec(last.stderr());
    expect(resumed).not.toBeNull();

    // B holds one run: the one every invocation after the first checkpoint resumed, now completed.
    const runsB = await b.sql.query('select id, status, phase, finished_at, counts from backfill_runs');
    expect(runsB.rows).toHaveLength(1);
    expect(runsB.rows[0]).toMatchObject({ id: resumed![1], status: 'completed', phase: 'done' });
    expect(runsB.rows[0].finished_at).not.toBeNull();
    expect(last.stdout()).toContain(`backfill run ${resumed![1]}`);

    const runsA = await a.sql.query(`select id, counts from backfill_runs where status = 'completed'`);
    expect(runsA.rows).toHaveLength(1);
    expect(runsB.rows[0].counts).toEqual(runsA.rows[0].counts);
    expect(runsA.rows[0].counts).toEqual(countsOf(uninterrupted));

    const itemsA = await itemsOf(a.sql);
    expect(await itemsOf(b.sql)).toEqual(itemsA);

    // The report of the resumed run holds every unmatched record, those found before the crashes included.
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    rmSync(dirname(reportFile), { recursive: true, force: true });
    expect(report).toMatchObject({ dryRun: false, programs: uninterrupted.programs, sessions: uninterrupted.sessions, sets: uninterrupted.sets });
    expect(report.unmatched.map((i: any) => `${i.kind} ${i.id} ${i.reason}`).sort()).toEqual(itemsA.map((i) => `${i.kind} ${i.record_id} ${i.reason}`).sort());
    expect(await sessionEnds(b.sql)).toEqual(await sessionEnds(a.sql));
    expect(await setEnds(b.sql)).toEqual(await setEnds(a.sql));
    const treesA = Object.fromEntries(await versionTrees(a.sql));
    expect(Object.fromEntries(await versionTrees(b.sql))).toEqual(treesA);

    // Exactly one version, version 1, per readable program; nothing half-written by a killed batch.
    const readable = CORPUS.programs.length - uninterrupted.programs.unreadable;
    const versions = await b.sql.query(`select program_id, count(*)::int as n, max(version_number) as max from program_versions group by program_id`);
    expect(versions.rows).toHaveLength(readable);
    expect(versions.rows.every((r) => r.n === 1 && r.max === 1)).toBe(true);
    expect(await tableSizes(b.sql)).toEqual(await tableSizes(a.sql));

    // Legacy columns untouched in both, but for snapshots filled alike.
    for (const db of [a, b]) {
      const after = await legacyColumns(db.sql);
      expect(after.programs).toEqual(pristine.programs);
      expect(after.sets).toEqual(pristine.sets);
      expect(new Map([...after.sessions].map(([id, s]) => [id, s.legacy]))).toEqual(new Map([...pristine.sessions].map(([id, s]) => [id, s.legacy])));
    }
  }, 240_000);
});

describe('one backfill at a time', () => {
  it('refuses to start while another session holds the backfill lock, and writes nothing', async () => {
    await withFreshDatabase(async (db) => {
      await insertCorpus(db.sql, fixedCorpus(SMALL_CORPUS, 7));
      const holder = new pg.Client(db.url);
      await holder.connect();
      try {
        await holder.query(`select pg_advisory_lock(hashtext('training-subgraph:backfill'))`);
        await expect(runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 3 })).rejects.toBeInstanceOf(BackfillBusy);
        const cli = startBackfillCli(db.url, ['--batch-size', '3']);
        expect(await cli.exited).toEqual({ code: 1, signal: null });
        expect(cli.stderr()).toMatch(/another backfill is running/);
        const { rows } = await db.sql.query('select count(*)::int as n from backfill_runs');
        expect(rows[0].n).toBe(0);
        const versions = await db.sql.query('select count(*)::int as n from program_versions');
        expect(versions.rows[0].n).toBe(0);
      } finally {
        await holder.end();
      }
      // Once the lock is free, the backfill runs.
      const outcome = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 3 });
      expect(outcome.runId).not.toBeNull();
    });
  }, 60_000);

  it('rejects a second run started while the first is mid-way', async () => {
    await withFreshDatabase(async (db) => {
      await insertCorpus(db.sql, fixedCorpus({ ...SMALL_CORPUS, minPrograms: 6, minSessions: 15, maxSessions: 20 }, 11));
      let second: Promise<BackfillOutcome> | undefined;
      const onProgress = (_: BackfillProgress) => {
        // The first run is between batches, holding the lock: a second one must be refused, not wait or interleave.
        if (second) return;
        second = runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 2 });
        second.catch(() => {}); // asserted below, once the first run is done
      };
      const first = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 2, onProgress });
      expect(second).toBeDefined();
      await expect(second).rejects.toBeInstanceOf(BackfillBusy);
      const { rows } = await db.sql.query(`select id, status from backfill_runs`);
      expect(rows).toEqual([{ id: first.runId, status: 'completed' }]);
    });
  }, 60_000);
});

function countsOf(o: BackfillOutcome) {
  return { programs: o.programs, sessions: o.sessions, sets: o.sets, evidence: o.evidence };
}

/** The completed run's report items, without the run id. */
async function itemsOf(sql: pg.Pool) {
  const { rows } = await sql.query(
    `select i.kind, i.record_id, i.reason, i.detail from backfill_items i join backfill_runs r on r.id = i.run_id
     where r.status = 'completed' order by i.kind, i.record_id`,
  );
  return rows;
}

/** Each session's end state, projected away from generated ids. */
async function sessionEnds(sql: pg.Pool) {
  const { rows } = await sql.query(
    `select s.id, s.program_id, v.program_id as version_program_id, v.version_number, w.workout_id, s.workout_name_snapshot
     from workout_sessions s
     left join program_versions v on v.id = s.program_version_id
     left join program_version_workouts w on w.id = s.workout_version_id
     order by s.id`,
  );
  return rows;
}

async function setEnds(sql: pg.Pool) {
  const { rows } = await sql.query(
    `select st.id, e.exercise_id, v.program_id as version_program_id, v.version_number
     from workout_session_sets st
     left join program_version_exercises e on e.id = st.exercise_version_id
     left join program_versions v on v.id = e.program_version_id
     order by st.id`,
  );
  return rows;
}

async function tableSizes(sql: pg.Pool) {
  const { rows } = await sql.query(`select
    (select count(*)::int from program_versions) as versions, (select count(*)::int from program_version_workouts) as workouts,
    (select count(*)::int from program_version_exercises) as exercises, (select count(*)::int from program_version_schedule) as schedule,
    (select count(*)::int from workout_sessions where program_version_id is not null) as linked_sessions,
    (select count(*)::int from workout_session_sets where exercise_version_id is not null) as linked_sets,
    (select count(*)::int from backfill_items) as items`);
  return rows[0];
}
