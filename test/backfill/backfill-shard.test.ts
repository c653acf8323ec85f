import { randomUUID } from 'node:crypto';
import { formatShard, parseShard, shardFilter, shardOfUser, shardParams, uuidHash } from '../../src/backfill/backfill-shard.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * The shard of a user is computed by the server (the runner's filter) and by
 * code (tests, tooling): both must agree on every uuid, and the shards of a
 * split must cover every user exactly once.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const EDGES = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '80000000-0000-0000-0000-000000000000',
  '7fffffff-ffff-ffff-ffff-ffffffffffff',
  '0000000a-000b-000c-000d-00000000000e',
];

describe('the shard of a user', () => {
  it('is the same in code as PostgreSQL uuid_hash and the SQL filter compute', async () => {
    const ids = [...EDGES, ...Array.from({ length: 3000 }, () => randomUUID())];
    const { rows } = await db.sql.query(`select u::text as id, uuid_hash(u) as hash from unnest($1::uuid[]) as u`, [ids]);
    expect(rows.map((r) => uuidHash(r.id))).toEqual(rows.map((r) => r.hash));

    for (const count of [1, 2, 3, 4, 7, 16]) {
      const byShard = new Map<number, string[]>();
      for (let index = 0; index < count; index++) {
        const sql = `select u::text as id from unnest($1::uuid[]) as u where ${shardFilter('u')}`;
        let n = 1;
        const numbered = sql.replace(/\?/g, () => `$${++n}`);
        const found = await db.sql.query(numbered, [ids, ...shardParams({ index, count })]);
        byShard.set(index, found.rows.map((r) => r.id).sort());
      }
      // Disjoint and covering: every id in exactly one shard, the one code computes.
      const expected = new Map<number, string[]>(Array.from({ length: count }, (_, i) => [i, [] as string[]]));
      for (const id of ids) expected.get(shardOfUser(id, count))!.push(id);
      for (const list of expected.values()) list.sort();
      expect(byShard).toEqual(expected);
      if (count > 1) for (const list of expected.values()) expect(list.length).toBeGreaterThan(ids.length / count / 2);
    }
  });
});

describe('--shard K/N', () => {
  it('accepts 1 ≤ K ≤ N and nothing else', () => {
    expect(parseShard('1/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 1, count: 3 });
    expect(formatShard(parseShard('3/3')!)).toBe('3/3');
    for (const bad of ['0/3', '4/3', '3', '1/0', '-1/3', '1/3/4', 'a/b', ' 1/3', '1/2000', '01/3', '']) expect(parseShard(bad)).toBeNull();
  });
});
