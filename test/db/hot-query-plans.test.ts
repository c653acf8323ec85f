import pg from 'pg';
import { athleteId, libraryProgramIds, libraryUserId, seedCorpus } from '../../bench/seed-corpus.js';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { exposedId } from '../../src/domain/exposed-ids.js';
import { createLegacyReadPath } from '../../src/reads/legacy/legacy-read-path.js';
import type { ReadPath } from '../../src/reads/read-path.js';
import { createVersionedReadPath } from '../../src/reads/versioned/versioned-read-path.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The request path's statements reach every table through an index lookup (an
 * index condition, not a full scan) — as custom plans and as the generic plans
 * PostgreSQL switches prepared statements to: a sequential scan of history
 * would grow with every user's sets. Planned on a corpus of 30 athletes with
 * half a year of history each, backfilled, with sequential scans priced out
 * (`enable_seqscan = off`), so that the answer does not hang on the test's
 * table sizes: a sequential scan that remains has no usable index. The
 * statements are captured from the real read paths, not copied here.
 */
let db: TestDatabase;
let client: pg.Client;
const captured = new Map<string, { text: string; values: unknown[] }>();

const BIG_TABLES = ['programs', 'workout_sessions', 'workout_session_sets', 'program_versions', 'program_version_workouts', 'program_version_exercises', 'program_version_schedule'];

beforeAll(async () => {
  db = await createTestDatabase();
  await seedCorpus(db.adminUrl, { users: 30, libraryUsers: 1, weeks: 26, chunkUsers: 30 }, () => {});
  await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 500 });
  client = new pg.Client(db.adminUrl);
  await client.connect();
  await client.query('vacuum analyze');
  await client.query('set enable_seqscan = off');

  // Every statement the read paths send, by label.
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as { text?: string; values?: unknown[] } | string;
    const label = typeof config === 'object' ? /^\/\* (\w+) \*\//.exec(config.text ?? '')?.[1] : undefined;
    if (label && typeof config === 'object') captured.set(label, { text: config.text!, values: config.values ?? [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as never;
  try {
    const user = athleteId(3);
    const read = async (path: ReadPath) => {
      const program = await path.activeProgram();
      // As clients send them: exposed ids (legacy ids qualified by their program).
      const exerciseIds = program!.content.workouts.flatMap((w) => w.exercises.map((e) => exposedId(program!.id, e.id)));
      await Promise.all(exerciseIds.map((id) => path.lastPerformance(id)));
      const page = await path.sessions(20, null);
      await Promise.all(page.sessions.map((s) => path.sessionSets(s)));
      await path.calendar('2025-03-01', '2025-03-31');
      await path.session(page.sessions[0]!.id);
    };
    await read(createLegacyReadPath(db.orm.em.fork(), user));
    await read(createVersionedReadPath(db.orm.em.fork(), user));
    const library = createVersionedReadPath(db.orm.em.fork(), libraryUserId(1));
    await Promise.all(libraryProgramIds(1).map((id) => library.program(id)));
  } finally {
    pg.Client.prototype.query = query;
  }
}, 120_000);

afterAll(async () => {
  await client?.end();
  await db.close();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Every scan of a history or version table that is not an index lookup: `Seq Scan`, or an index scan without a condition (a full pass). */
async function fullScans(statement: { text: string; values: unknown[] }): Promise<string[]> {
  const { rows } = await client.query({ text: `explain (format json) ${statement.text}`, values: statement.values });
  const found: string[] = [];
  const walk = (node: PlanNode) => {
    const relation = node['Relation Name'];
    if (relation && BIG_TABLES.includes(relation)) {
      const lookup = node['Node Type'] === 'Bitmap Heap Scan' || (/^Index (Only )?Scan$/.test(node['Node Type']) && node['Index Cond'] !== undefined);
      if (!lookup) found.push(`${node['Node Type']} on ${relation}`);
    }
    node.Plans?.forEach(walk);
  };
  walk((rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
  return found;
}

const HOT = [
  'selectActiveProgram',
  'selectProgramsByIds',
  'selectVersionTrees',
  'selectLastPerformanceLegacy',
  'selectLastPerformanceVersioned',
  'selectSessionPage',
  'selectSetsBySessionIds',
  'selectSessionsBetween',
  'selectSessionsByIds',
];

describe('hot statements use index scans', () => {
  it('captured every hot statement from the read paths', () => {
    expect(HOT.filter((label) => !captured.has(label))).toEqual([]);
  });

  /**
   * `selectVersionTrees` is the entities' joined load of whole trees (a cache miss
   * only): one statement of plain joins, which on this test's small tables the
   * planner may answer with a hash or merge join over a whole table, cheaper
   * here than lookups. What must hold is that every join has an index to look
   * up through: with those join methods off, no full pass may remain.
   */
  const JOINED = new Set(['selectVersionTrees']);

  for (const mode of ['force_custom_plan', 'force_generic_plan'] as const) {
    it.each(HOT)(`%s (${mode})`, async (label) => {
      await client.query(`set plan_cache_mode = ${mode}`);
      const joinMethods = JOINED.has(label) ? 'off' : 'on';
      await client.query(`set enable_hashjoin = ${joinMethods}; set enable_mergejoin = ${joinMethods}`);
      expect(await fullScans(captured.get(label)!)).toEqual([]);
    });
  }

  it('would notice a missing index: without the sessions-by-user index, history is read by a sequential scan', async () => {
    await client.query('begin');
    try {
      await client.query('drop index workout_sessions_user_started');
      expect(await fullScans(captured.get('selectSessionPage')!)).not.toEqual([]);
    } finally {
      await client.query('rollback');
    }
  });
});
