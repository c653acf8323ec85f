import { randomUUID } from 'node:crypto';
import { emptyCounts, type BackfillCounts } from '../../src/backfill/backfill-report.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * `training_backfill_records` shows every shard of the latest backfill, each
 * with its own run's status and counts: with `--workers N` / `--shard K/N`
 * there is one run per shard, and a shard that failed must show beside the
 * ones that completed, not be hidden behind the most recent run.
 */
let db: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  db = await createTestDatabase();
  t = await startTestApp({}, db);
});
afterAll(async () => {
  await t.close();
  await db.close();
});

function counts(programs: number, sets: number): BackfillCounts {
  const c = emptyCounts();
  return { ...c, programs: { ...c.programs, total: programs, versioned: programs }, sets: { ...c.sets, total: sets, linked: sets } };
}

async function insertRun(run: { shard: [index: number, count: number]; status: 'running' | 'completed' | 'failed'; hoursAgo: number; counts: BackfillCounts }) {
  await db.sql.query(
    `insert into backfill_runs (id, started_at, finished_at, status, batch_size, phase, counts, shard_index, shard_count)
     values ($1, now() - make_interval(hours => $2), case when $3 = 'running' then null else now() end, $3, 500, case when $3 = 'completed' then 'done' else 'sessions' end, $4, $5, $6)`,
    [randomUUID(), run.hoursAgo, run.status, JSON.stringify(run.counts), run.shard[0], run.shard[1]],
  );
}

/** The gauge's series as `shard status kind outcome` → value. */
async function backfillSeries(): Promise<Record<string, number>> {
  const text = await (await fetch(t.app.metricsUrl)).text();
  const series: Record<string, number> = {};
  for (const [, labels, value] of text.matchAll(/^training_backfill_records\{([^}]*)\} (\S+)$/gm)) {
    const label = Object.fromEntries([...labels!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    series[`${label.shard} ${label.status} ${label.kind} ${label.outcome}`] = Number(value);
  }
  return series;
}

describe('backfill metrics', () => {
  it('show no series before any backfill ran', async () => {
    expect(await backfillSeries()).toEqual({});
  });

  it('show a run over every user as shard 1/1', async () => {
    await insertRun({ shard: [0, 1], status: 'completed', hoursAgo: 48, counts: counts(7, 70) });
    const series = await backfillSeries();
    expect(series['1/1 completed programs total']).toBe(7);
    expect(series['1/1 completed sets linked']).toBe(70);
  });

  it('show every shard of the latest split, each with its latest run: a failed shard beside a completed one', async () => {
    // A split in two: shard 2/2 failed; shard 1/2 failed once, then a later run of it completed.
    await insertRun({ shard: [1, 2], status: 'failed', hoursAgo: 3, counts: counts(2, 5) });
    await insertRun({ shard: [0, 2], status: 'failed', hoursAgo: 2, counts: counts(1, 1) });
    await insertRun({ shard: [0, 2], status: 'completed', hoursAgo: 1, counts: counts(4, 40) });
    const series = await backfillSeries();
    expect(series['2/2 failed programs total']).toBe(2);
    expect(series['2/2 failed sets total']).toBe(5);
    expect(series['1/2 completed programs total']).toBe(4);
    expect(series['1/2 completed sets linked']).toBe(40);
    // Only the latest split, and only each shard's latest run.
    const shown = new Set(Object.keys(series).map((key) => key.split(' ').slice(0, 2).join(' ')));
    expect([...shown].sort()).toEqual(['1/2 completed', '2/2 failed']);
  });
});
