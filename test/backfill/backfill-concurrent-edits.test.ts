import { randomUUID } from 'node:crypto';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { shardOfUser } from '../../src/backfill/backfill-shard.js';
import { runBackfillWorkers } from '../../src/backfill/backfill-workers.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let legacy: TestApp;
let versioned: TestApp;

beforeAll(async () => {
  db = await createTestDatabase();
  legacy = await startTestApp({}, db);
  versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
});
afterAll(async () => {
  await legacy.close();
  await versioned.close();
  await db.close();
});

describe('backfill while users edit with versioned writes on', () => {
  it('leaves every program with exactly one version 1 and contiguous versions', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(ok(await legacy.gql(CREATE_PROGRAM, { input: upperLower(`p${i}`) })).createProgram.id);
    const edits = Promise.all(
      ids.flatMap((id, i) => [0, 1].map((k) => versioned.gql(MODIFY_PROGRAM, { id, input: upperLower(`p${i} edit ${k}`) }).then((r) => ok(r)))),
    );
    const [outcome] = await Promise.all([runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 3 }), edits]);
    expect(outcome.programs.total).toBe(40);
    expect(outcome.programs.versioned + outcome.programs.alreadyVersioned).toBe(40);
    const { rows } = await db.sql.query(
      `select p.id, array_agg(v.version_number order by v.version_number) as numbers, count(*) filter (where v.version_number = 1)::int as ones,
              max(v.version_number) = (select version_number from program_versions where id = p.current_version_id) as current_is_latest
       from programs p join program_versions v on v.program_id = p.id group by p.id`,
    );
    expect(rows).toHaveLength(40);
    for (const r of rows) {
      expect(r.ones).toBe(1);
      expect(r.numbers).toEqual(Array.from({ length: r.numbers.length }, (_, i) => i + 1));
      expect(r.numbers.length).toBe(3);
      expect(r.current_is_latest).toBe(true);
    }
  });

  it('with shards side by side (--workers 3) as with one run: exactly one version 1 per program', async () => {
    // Users of every shard, each with programs created through the legacy path.
    // Random ids drawn until each of the 3 shards has three users, in shard order (so every shard has programs, every run).
    const byShard: string[][] = [[], [], []];
    while (byShard.some((s) => s.length < 3)) {
      const user = randomUUID();
      const shard = byShard[shardOfUser(user, 3)]!;
      if (shard.length < 3) shard.push(user);
    }
    const users = byShard.flat();
    for (let k = 0; k < 3; k++) expect(users.filter((u) => shardOfUser(u, 3) === k)).toHaveLength(3);
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) ids.push(ok(await legacy.gql(CREATE_PROGRAM, { input: upperLower(`s${i}`) }, users[i % users.length])).createProgram.id);
    const edits = Promise.all(
      ids.flatMap((id, i) =>
        [0, 1].map((k) => versioned.gql(MODIFY_PROGRAM, { id, input: upperLower(`s${i} edit ${k}`) }, users[i % users.length]).then((r) => ok(r))),
      ),
    );
    const [outcome] = await Promise.all([runBackfillWorkers(db.orm, { url: db.url, batchSize: 2, workers: 3 }), edits]);
    expect(outcome.shards?.map((s) => s.shard)).toEqual(['1/3', '2/3', '3/3']);
    const { rows } = await db.sql.query(
      `select p.id, array_agg(v.version_number order by v.version_number) as numbers, count(*) filter (where v.version_number = 1)::int as ones,
              max(v.version_number) = (select version_number from program_versions where id = p.current_version_id) as current_is_latest
       from programs p join program_versions v on v.program_id = p.id where p.id = any($1::uuid[]) group by p.id`,
      [ids],
    );
    expect(rows).toHaveLength(45);
    for (const r of rows) {
      expect(r.ones).toBe(1);
      expect(r.numbers).toEqual(Array.from({ length: r.numbers.length }, (_, i) => i + 1));
      expect(r.numbers.length).toBe(3);
      expect(r.current_is_latest).toBe(true);
    }
  });
});
