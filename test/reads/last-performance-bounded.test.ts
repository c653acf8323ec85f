import pg from 'pg';
import { athleteId, seedCorpus } from '../../bench/seed-corpus.js';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { exposedId, parseExposedId } from '../../src/domain/exposed-ids.js';
import type { WantedExercise } from '../../src/reads/compose-read-path.js';
import { selectLastPerformanceLegacy } from '../../src/reads/legacy/last-performance-legacy.js';
import { selectLastPerformanceVersioned } from '../../src/reads/versioned/last-performance-versioned.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A last-performance lookup reads what it looks for, not the caller's history:
 * the exercise's version rows, then the caller's sessions newest first until
 * one holds a set of it, then that session's sets of it — a handful of index
 * pages per exercise, however many years the caller has logged. Checked on
 * the buffers PostgreSQL really touched (EXPLAIN ANALYZE, BUFFERS) for the
 * real statements of both read paths, as custom plans and as the generic plans
 * prepared statements switch to, over athletes with three years of history
 * (3 sessions a week, ~9,000 sets each), backfilled and analysed. A plan that
 * reads the caller's whole history — every session sorted, every set scanned,
 * or the search repeated per set — touches tens of times more.
 */
let db: TestDatabase;
let client: pg.Client;
const captured = new Map<string, { text: string; values: unknown[] }>();
let wanted: WantedExercise[] = [];

/** Shared pages per wanted exercise: a few sessions probed (2–4 pages each) and the found session's sets. */
const PAGES_PER_EXERCISE = 40;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedCorpus(db.adminUrl, { users: 6, libraryUsers: 0, weeks: 156, chunkUsers: 6 }, () => {});
  await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 500 });
  client = new pg.Client(db.adminUrl);
  await client.connect();
  await client.query('vacuum analyze');

  const user = athleteId(3);
  const { rows } = await client.query<{ id: string; program_json: { workouts: { exercises: { id: string }[] }[] } }>(
    'select id, program_json from programs where user_id = $1 and is_active',
    [user],
  );
  const program = rows[0]!;
  // Every exercise of the active program as clients send them, and one never logged.
  const ids = [...program.program_json.workouts.flatMap((w) => w.exercises.map((e) => exposedId(program.id, e.id))), exposedId(program.id, 'never-logged')];
  wanted = ids.map((id) => ({ exposedId: id, parsed: parseExposedId(id) }));

  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as { text?: string; values?: unknown[] } | string;
    const label = typeof config === 'object' ? /^\/\* (\w+) \*\//.exec(config.text ?? '')?.[1] : undefined;
    if (label && typeof config === 'object') captured.set(label, { text: config.text!, values: config.values ?? [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as never;
  try {
    const legacy = await selectLastPerformanceLegacy(db.orm.em.fork(), user, wanted);
    const versioned = await selectLastPerformanceVersioned(db.orm.em.fork(), user, wanted);
    // Every exercise but the made-up one was logged, on both paths.
    expect([legacy.performances.size, versioned.performances.size]).toEqual([wanted.length - 1, wanted.length - 1]);
  } finally {
    pg.Client.prototype.query = query;
  }
}, 300_000);

afterAll(async () => {
  await client?.end();
  await db.close();
});

interface PlanRoot {
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
}

async function pagesTouched(label: string, mode: 'force_custom_plan' | 'force_generic_plan'): Promise<number> {
  const statement = captured.get(label)!;
  await client.query(`set plan_cache_mode = ${mode}`);
  const { rows } = await client.query({ text: `explain (analyze, buffers, format json) ${statement.text}`, values: statement.values });
  const root = (rows[0]['QUERY PLAN'] as { Plan: PlanRoot }[])[0]!.Plan;
  return root['Shared Hit Blocks'] + root['Shared Read Blocks'];
}

describe('last performance touches a bounded number of pages, whatever the length of history', () => {
  it('seeded a long history for the caller', async () => {
    const { rows } = await client.query<{ sessions: number; sets: number }>(
      'select (select count(*)::int from workout_sessions where user_id = $1) as sessions, (select count(*)::int from workout_session_sets where user_id = $1) as sets',
      [athleteId(3)],
    );
    expect(rows[0]!.sessions).toBeGreaterThan(400);
    expect(rows[0]!.sets).toBeGreaterThan(8_000);
  });

  for (const mode of ['force_custom_plan', 'force_generic_plan'] as const) {
    it.each(['selectLastPerformanceLegacy', 'selectLastPerformanceVersioned'])(`%s (${mode})`, async (label) => {
      expect(await pagesTouched(label, mode)).toBeLessThanOrEqual(PAGES_PER_EXERCISE * wanted.length);
    });
  }
});
