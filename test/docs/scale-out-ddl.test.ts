import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { USER_OWNED_TABLES } from '../db/user-scope.js';

/*
 * docs/scale-out.md shows the DDL that makes every key and constraint of the
 * user-owned tables include `user_id`, as Citus requires before it
 * distributes them. Here it runs on a migrated database that holds rows of
 * every kind, and the catalog afterwards is checked constraint by constraint.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/scale-out.md'), 'utf8');

function checkedBlock(marker: string): string {
  const block = new RegExp(`<!-- checked: ${marker} -->\\s*\`\`\`sql\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!block) throw new Error(`docs/scale-out.md has no sql block after <!-- checked: ${marker} -->`);
  return block[1]!;
}

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' });
  for (const user of ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb']) {
    const program = ok(await app.gql(CREATE_PROGRAM, { input: upperLower() }, user)).createProgram;
    ok(await app.gql(MODIFY_PROGRAM, { id: program.id, input: upperLower('Edited') }, user));
    const upper = program.workouts[0];
    const session = ok(await app.gql(START_SESSION, { programId: program.id, workoutId: upper.id }, user)).startSession;
    ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: upper.exercises[0].id, setNumber: 1, reps: 8, weightKg: 60 } }, user));
    ok(await app.gql(COMPLETE_SESSION, { sessionId: session.id }, user));
  }
}, 60_000);

afterAll(() => app?.close());

test('the documented DDL applies to a database with data, and leaves user_id in every key and constraint of the user-owned tables', async () => {
  const { rows: before } = await app.db.sql.query<{ n: number }>(`select count(*)::int as n from workout_session_sets where exercise_version_id is not null`);
  expect(before[0]!.n).toBeGreaterThan(0);
  await app.db.sql.query(`begin; ${checkedBlock('scale-out keys')}; commit;`);

  const { rows } = await app.db.sql.query<{ table: string; name: string; type: string; columns: string[]; referenced: string | null; referencedColumns: string[] | null }>(
    `select c.conrelid::regclass::text as table, c.conname as name, c.contype::text as type,
            array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
            c.confrelid::regclass::text as referenced,
            array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as "referencedColumns"
       from pg_constraint c where c.conrelid::regclass::text = any($1) and c.contype in ('p', 'u', 'f')`,
    [USER_OWNED_TABLES],
  );
  const keys = rows.filter((r) => r.type !== 'f');
  // Every table still has its primary key, and the unique constraints are all there.
  expect(new Set(keys.filter((r) => r.type === 'p').map((r) => r.table))).toEqual(new Set(USER_OWNED_TABLES));
  expect(keys.filter((r) => r.columns[0] !== 'user_id').map((r) => `${r.table}.${r.name} (${r.columns.join(', ')})`)).toEqual([]);
  const foreign = rows.filter((r) => r.type === 'f' && (USER_OWNED_TABLES as readonly string[]).includes(r.referenced!));
  expect(foreign.length).toBe(13);
  expect(foreign.filter((r) => r.columns[0] !== 'user_id' || r.referencedColumns![0] !== 'user_id').map((r) => `${r.table}.${r.name}`)).toEqual([]);
  // Unique indexes outside constraints (the one active program per user) lead with user_id too.
  const { rows: indexes } = await app.db.sql.query<{ def: string }>(
    `select indexdef as def from pg_indexes where tablename = any($1) and indexdef like 'CREATE UNIQUE%'`,
    [USER_OWNED_TABLES],
  );
  expect(indexes.filter((i) => !/USING btree \(user_id[,)]/.test(i.def)).map((i) => i.def)).toEqual([]);

  // The service still reads and writes on the new keys.
  const user = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  const program = ok(await app.gql(`query { programs { id workouts { id exercises { id } } } }`, {}, user)).programs[0];
  const session = ok(await app.gql(START_SESSION, { programId: program.id, workoutId: program.workouts[0].id }, user)).startSession;
  ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: program.workouts[0].exercises[0].id, setNumber: 1, reps: 5, weightKg: 65 } }, user));
  ok(await app.gql(MODIFY_PROGRAM, { id: program.id, input: upperLower('Edited again') }, user));
});

test('the doc distributes every user-owned table by user_id, co-located', () => {
  const distributed = [...DOC.matchAll(/select create_distributed_table\('([a-z_]+)', 'user_id'(, colocate_with => 'programs')?\);/g)];
  expect(distributed.map((m) => m[1]).sort()).toEqual([...USER_OWNED_TABLES].sort());
  expect(distributed.filter((m) => m[1] !== 'programs' && !m[2])).toEqual([]);
});
