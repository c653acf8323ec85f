import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { shardFilter, shardOfUser, shardParams } from '../../src/backfill/backfill-shard.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { advisoryLocksReleased, killHard, killStillRunning, startBackfillCli, waitFor, type CliRun } from './cli-process.js';
import { fixedCorpus } from './corpus.js';
import { endState, mergeShardReports, reportContent } from './end-state.js';
import { insertCorpus } from './legacy-rows.js';

/*
 * The backfill split by user: three `--shard K/3` commands (one of them killed
 * with SIGKILL and resumed), and one `--workers 3` command (killed and
 * resumed too), each on its own copy of one corpus, must end exactly where a
 * single-worker run ends — the same versions, links, snapshots and unmatched
 * records — and their reports must merge into the single run's report.
 */

const BATCH_SIZE = 5;
const SHARDS = 3;
const CORPUS = fixedCorpus({ users: 24, minPrograms: 60, maxPrograms: 60, minSessions: 400, maxSessions: 400, maxSetsPerSession: 14 }, 20240615);

let single: TestDatabase;
let dir: string;
/** The single-worker run's report and end state: what every split must reproduce. */
let reference: { report: Record<string, any>; state: Awaited<ReturnType<typeof endState>> };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-shards-'));
  single = await createTestDatabase();
  await insertCorpus(single.sql, CORPUS);
  const run = startBackfillCli(single.url, ['--batch-size', String(BATCH_SIZE), '--report', join(dir, 'single.json')]);
  expect(await finished(run)).toBe(0);
  reference = { report: readReport('single.json'), state: await endState(single.sql) };
}, 120_000);
afterAll(async () => {
  await killStillRunning();
  await single?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a backfill in three shards, as three processes', () => {
  it('ends, after one shard is killed and resumed, in the state and merged report of a single-worker run', async () => {
    const db = await createTestDatabase();
    try {
      await insertCorpus(db.sql, CORPUS);
      // Every shard has work, and the killed one enough to be killed mid-way.
      const rowsOf = (index: number) =>
        CORPUS.programs.filter((p) => shardOfUser(p.userId, SHARDS) === index).length + CORPUS.sessions.filter((s) => shardOfUser(s.userId, SHARDS) === index).length;
      for (let k = 0; k < SHARDS; k++) expect(rowsOf(k)).toBeGreaterThan(50);

      const runs = [1, 2, 3].map((k) => startBackfillCli(db.url, ['--batch-size', String(BATCH_SIZE), '--shard', `${k}/3`, '--report', join(dir, `shard-${k}.json`)]));
      const target = Math.ceil(rowsOf(1) * 0.4);
      await waitFor(`shard 2/3 to checkpoint ${target} rows`, async () => {
        if (runs[1]!.child.exitCode !== null) throw new Error(`shard 2/3 finished (exit ${runs[1]!.child.exitCode}) before it could be killed:\n${runs[1]!.stderr()}`);
        const rows = await shardCheckpoint(db.sql, 1);
        return rows !== null && rows >= target ? rows : undefined;
      });
      await killHard(runs[1]!);
      const atKill = await shardCheckpoint(db.sql, 1);
      expect(atKill).not.toBeNull();
      expect(atKill!).toBeLessThan(rowsOf(1));
      expect(await finished(runs[0]!)).toBe(0);
      expect(await finished(runs[2]!)).toBe(0);
      // The other shards' runs completed; the killed one is still open, and resuming it resumes it alone.
      const open = await db.sql.query(`select id, shard_index from backfill_runs where status = 'running'`);
      expect(open.rows).toEqual([{ id: expect.any(String), shard_index: 1 }]);
      await advisoryLocksReleased(db.sql);

      const resumed = startBackfillCli(db.url, ['--batch-size', String(BATCH_SIZE), '--shard', '2/3', '--report', join(dir, 'shard-2.json')]);
      expect(await finished(resumed)).toBe(0);
      expect(resumed.stderr()).toContain(`resuming interrupted run ${open.rows[0].id} of shard 2/3`);

      const runsAfter = await db.sql.query(`select shard_index, shard_count, status from backfill_runs order by shard_index`);
      expect(runsAfter.rows).toEqual([0, 1, 2].map((i) => ({ shard_index: i, shard_count: 3, status: 'completed' })));

      const reports = [1, 2, 3].map((k) => readReport(`shard-${k}.json`));
      reports.forEach((r, i) => expect(r.shard).toBe(`${i + 1}/3`));
      // Unmatched lists are disjoint, and each holds its own shard's records only.
      const ids = reports.flatMap((r) => r.unmatched.map((u: { kind: string; id: string }) => `${u.kind} ${u.id}`));
      expect(new Set(ids).size).toBe(ids.length);
      expect(mergeShardReports(reports)).toEqual(reportContent(reference.report));
      expect(await endState(db.sql)).toEqual(reference.state);
    } finally {
      await db.close();
    }
  }, 240_000);
});

describe('a backfill with --workers 3', () => {
  it('ends, after being killed and resumed, in the state and report of a single-worker run, with one progress for all', async () => {
    const db = await createTestDatabase();
    try {
      await insertCorpus(db.sql, CORPUS);
      const total = CORPUS.programs.length + CORPUS.sessions.length;
      const first = startBackfillCli(db.url, ['--batch-size', String(BATCH_SIZE), '--workers', '3']);
      await waitFor('the workers to checkpoint a third of the rows', async () => {
        if (first.child.exitCode !== null) throw new Error(`the command finished (exit ${first.child.exitCode}) before it could be killed:\n${first.stderr()}`);
        const { rows } = await db.sql.query(`select coalesce(sum((counts->'programs'->>'total')::int + (counts->'sessions'->>'total')::int), 0)::int as n from backfill_runs`);
        return rows[0].n >= total / 3 ? true : undefined;
      });
      await killHard(first);
      await advisoryLocksReleased(db.sql);
      const open = await db.sql.query(`select shard_index, shard_count from backfill_runs where status = 'running' order by shard_index`);
      expect(open.rows.length).toBeGreaterThan(0);
      expect(open.rows.every((r) => r.shard_count === 3)).toBe(true);

      // A split of another size cannot start over the unfinished one.
      const other = startBackfillCli(db.url, ['--shard', '1/2']);
      expect(await finished(other)).toBe(1);
      expect(other.stderr()).toMatch(/interrupted backfill over 3 shard\(s\) is unfinished .*--workers 3 or --shard K\/3/);

      const report = join(dir, 'workers.json');
      const resumed = startBackfillCli(db.url, ['--batch-size', String(BATCH_SIZE), '--workers', '3', '--report', report]);
      expect(await finished(resumed)).toBe(0);
      for (const r of open.rows) expect(resumed.stderr()).toMatch(new RegExp(`resuming interrupted run [0-9a-f-]{36} of shard ${r.shard_index + 1}/3`));
      // One progress line for the three shards (stderr is a pipe: timestamped lines), never one per shard.
      const progress = resumed.stderr().split('\n').filter((line) => / rows \(/.test(line));
      expect(progress.length).toBeGreaterThan(0);
      for (const line of progress) expect(line).toMatch(/backfill \(3 workers\) shards: .* \d+\/\d+ rows/);
      expect(progress.at(-1)).toContain(`${total}/${total} rows`);

      const merged = readReport('workers.json');
      expect(merged.shards.map((s: { shard: string }) => s.shard)).toEqual(['1/3', '2/3', '3/3']);
      // The same records in the same order as the single run's report.
      expect(reportContent(merged)).toEqual(reportContent(reference.report));
      expect(merged.unmatched).toEqual(reference.report.unmatched);
      expect(resumed.stdout()).toMatch(/backfill runs [0-9a-f-]{36} \(shard 1\/3\), [0-9a-f-]{36} \(shard 2\/3\), [0-9a-f-]{36} \(shard 3\/3\)/);
      expect(await endState(db.sql)).toEqual(reference.state);
    } finally {
      await db.close();
    }
  }, 240_000);
});

describe('a shard touches its own users only', () => {
  it('writes and locks no row of another shard, while the other shards are locked away from it', async () => {
    const db = await createTestDatabase();
    try {
      await insertCorpus(db.sql, CORPUS);
      // A shard that waited for a row another transaction holds would fail instead of hang.
      await db.sql.query(`alter database ${pg.escapeIdentifier(db.name)} set lock_timeout = '5s'`);
      for (let index = 0; index < SHARDS; index++) {
        const holder = new pg.Client(db.adminUrl);
        await holder.connect();
        try {
          // Every row of every other user, locked for the whole run of this shard.
          await holder.query('begin');
          const others = `not (${numbered(shardFilter('user_id'), 1)})`;
          for (const table of ['programs', 'workout_sessions', 'workout_session_sets']) {
            await holder.query(`select 1 from ${table} where ${others} for update`, shardParams({ index, count: SHARDS }));
          }
          const run = startBackfillCli(db.url, ['--batch-size', String(BATCH_SIZE), '--shard', `${index + 1}/${SHARDS}`]);
          expect({ exit: await finished(run), stderr: run.stderr() }).toEqual({ exit: 0, stderr: expect.any(String) });
        } finally {
          await holder.query('rollback');
          await holder.end();
        }
        // Written so far: exactly the users of the shards run so far, nothing of the others.
        const done = (userId: string) => shardOfUser(userId, SHARDS) <= index;
        const versioned = await db.sql.query(`select distinct p.user_id from program_versions v join programs p on p.id = v.program_id`);
        expect(versioned.rows.every((r) => done(r.user_id))).toBe(true);
        const linkedSessions = await db.sql.query(`select user_id from workout_sessions where program_version_id is not null`);
        expect(linkedSessions.rows.every((r) => done(r.user_id))).toBe(true);
        const linkedSets = await db.sql.query(`select user_id from workout_session_sets where exercise_version_id is not null`);
        expect(linkedSets.rows.every((r) => done(r.user_id))).toBe(true);
        const pointed = await db.sql.query(`select user_id from programs where current_version_id is not null`);
        expect(pointed.rows.every((r) => done(r.user_id))).toBe(true);
        // This shard's run recorded items of its own users only.
        const items = await db.sql.query(
          `select coalesce(p.user_id, s.user_id, st.user_id) as user_id from backfill_items i join backfill_runs r on r.id = i.run_id
           left join programs p on i.kind = 'program' and p.id = i.record_id
           left join workout_sessions s on i.kind = 'session' and s.id = i.record_id
           left join workout_session_sets st on i.kind = 'set' and st.id = i.record_id
           where r.shard_index = $1`,
          [index],
        );
        expect(items.rows.length).toBeGreaterThan(0);
        expect(items.rows.every((r) => r.user_id !== null && shardOfUser(r.user_id, SHARDS) === index)).toBe(true);
        // And this shard's users are done: every session it could link is linked, as in a single run.
        const mine = (userId: string) => shardOfUser(userId, SHARDS) === index;
        const expectedLinked = reference.state.sessions.filter((s) => s.version_program_id !== null && mine(CORPUS.sessions.find((c) => c.id === s.id)!.userId));
        expect(linkedSessions.rows.filter((r) => mine(r.user_id))).toHaveLength(expectedLinked.length);
      }
      expect(await endState(db.sql)).toEqual(reference.state);
    } finally {
      await db.close();
    }
  }, 240_000);
});

describe('bad --shard and --workers values', () => {
  it('exit 2 with one line and write nothing', async () => {
    const db = await createTestDatabase();
    try {
      await insertCorpus(db.sql, fixedCorpus({ users: 3, minPrograms: 3, maxPrograms: 3, minSessions: 3, maxSessions: 3, maxSetsPerSession: 2 }, 5));
      const report = join(dir, 'bad.json');
      for (const args of [['--shard', '0/3'], ['--shard', '4/3'], ['--shard', 'x'], ['--shard', '1/0'], ['--workers', '0'], ['--workers', '1.5'], ['--shard', '1/3', '--workers', '2'], ['--dry-run', '--workers', '2']]) {
        const run = startBackfillCli(db.url, [...args, '--report', report]);
        expect({ args, exit: await finished(run) }).toEqual({ args, exit: 2 });
        expect(run.stderr().trimEnd().split('\n')).toHaveLength(1);
        expect(run.stdout()).toBe('');
        expect(existsSync(report)).toBe(false);
      }
      const { rows } = await db.sql.query(`select (select count(*)::int from backfill_runs) as runs, (select count(*)::int from program_versions) as versions`);
      expect(rows[0]).toEqual({ runs: 0, versions: 0 });
    } finally {
      await db.close();
    }
  }, 120_000);
});

async function finished(run: CliRun): Promise<number | null> {
  const { code } = await run.exited;
  if (code !== 0 && code !== 1 && code !== 2) throw new Error(`exit ${code}:\n${run.stderr()}`);
  return code;
}

function readReport(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'));
}

/** Rows (programs + sessions) the running run of a shard (0-based) has checkpointed, or null when it is not running. */
async function shardCheckpoint(sql: pg.Pool, index: number): Promise<number | null> {
  const { rows } = await sql.query(`select counts from backfill_runs where status = 'running' and shard_index = $1`, [index]);
  const counts = rows[0]?.counts;
  return counts ? counts.programs.total + counts.sessions.total : null;
}

/** `?` placeholders as `$n`, from `$first`. */
function numbered(sql: string, first: number): string {
  let n = first - 1;
  return sql.replace(/\?/g, () => `$${++n}`);
}
