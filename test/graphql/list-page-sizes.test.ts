import { CREATE_PROGRAM, MODIFY_PROGRAM, sets } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * `programs(first)`, `User.programs(first)` and `Program.versions(first)`:
 * lists that had no bound get one (default 50, at most 100), so a request's
 * cost can be known before it runs. Versions list the most recent first.
 */
let db: TestDatabase;
let legacy: TestApp; // WRITES on, READS off
let versioned: TestApp; // WRITES on, READS on
const MANY = '7a000000-0000-4000-8000-000000000001';
const EDITED = '7a000000-0000-4000-8000-000000000002';
let editedId = '';

const names = (n: number) => Array.from({ length: n }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
const tiny = (name: string) => ({ name, workouts: [{ name: 'Day', exercises: [{ name: 'Squat', sets: sets(1) }] }], schedule: [] });

beforeAll(async () => {
  db = await createTestDatabase();
  legacy = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
  versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, db);
  // One at a time, so `created_at` (the list's order) follows the names.
  for (const name of names(55)) ok(await legacy.gql(CREATE_PROGRAM, { input: tiny(name) }, MANY));
  editedId = ok(await legacy.gql(CREATE_PROGRAM, { input: tiny('Edit 1') }, EDITED)).createProgram.id;
  for (let n = 2; n <= 4; n++) ok(await legacy.gql(MODIFY_PROGRAM, { id: editedId, input: tiny(`Edit ${n}`) }, EDITED));
});
afterAll(async () => {
  await legacy.close();
  await versioned.close();
  await db.close();
});

const PROGRAMS = `query ($first: Int) { programs(first: $first) { id name } }`;
const PROGRAMS_DEFAULT = `{ programs { id name } }`;
const USER_PROGRAMS = `query ($reps: [_Any!]!, $first: Int) { _entities(representations: $reps) { ... on User { programs(first: $first) { id name } } } }`;
const VERSIONS = `query ($id: ID!, $first: Int) { program(id: $id) { versions(first: $first) { number name } } }`;
const VERSIONS_DEFAULT = `query ($id: ID!) { program(id: $id) { versions { number } } }`;

describe.each([
  ['legacy', () => legacy],
  ['versioned', () => versioned],
])('list page sizes on the %s read path', (_, app) => {
  it('programs lists the first 50 by default, oldest first, and `first` of them when given', async () => {
    expect(ok(await app().gql(PROGRAMS_DEFAULT, {}, MANY)).programs.map((p: any) => p.name)).toEqual(names(50));
    expect(ok(await app().gql(PROGRAMS, { first: 3 }, MANY)).programs.map((p: any) => p.name)).toEqual(names(3));
    expect(ok(await app().gql(PROGRAMS, { first: 100 }, MANY)).programs.map((p: any) => p.name)).toEqual(names(55));
    expect(ok(await app().gql(PROGRAMS, { first: 0 }, MANY)).programs).toEqual([]);
  });

  it('User.programs takes the same `first`', async () => {
    const reps = [{ __typename: 'User', id: MANY }];
    expect(ok(await app().gql(USER_PROGRAMS, { reps }, MANY))._entities[0].programs.map((p: any) => p.name)).toEqual(names(50));
    expect(ok(await app().gql(USER_PROGRAMS, { reps, first: 2 }, MANY))._entities[0].programs.map((p: any) => p.name)).toEqual(names(2));
  });

  it('Program.versions lists the most recent first, 50 by default, `first` of them when given', async () => {
    expect(ok(await app().gql(VERSIONS_DEFAULT, { id: editedId }, EDITED)).program.versions.map((v: any) => v.number)).toEqual([4, 3, 2, 1]);
    expect(ok(await app().gql(VERSIONS, { id: editedId, first: 2 }, EDITED)).program.versions).toEqual([
      { number: 4, name: 'Edit 4' },
      { number: 3, name: 'Edit 3' },
    ]);
    expect(ok(await app().gql(VERSIONS, { id: editedId, first: 0 }, EDITED)).program.versions).toEqual([]);
  });

  it.each([
    ['programs', PROGRAMS, () => ({}), MANY],
    ['User.programs', USER_PROGRAMS, () => ({ reps: [{ __typename: 'User', id: MANY }] }), MANY],
    ['Program.versions', VERSIONS, () => ({ id: editedId }), EDITED],
  ])('%s refuses `first` outside 0…100 with BAD_USER_INPUT naming `first`', async (_field, query, variables, user) => {
    for (const first of [101, -1]) {
      const response = await app().gql(query, { ...variables(), first }, user);
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        violations: [{ path: 'first', code: 'OUT_OF_RANGE', message: 'must be 0 to 100' }],
      });
    }
  });
});

it('both read paths list the same programs and versions', async () => {
  const reads = async (t: TestApp) => [
    ok(await t.gql(PROGRAMS, { first: 100 }, MANY)),
    ok(await t.gql(`query ($first: Int) { programs(first: $first) { id name workouts { id name } versions { number } } }`, { first: 7 }, MANY)),
    ok(await t.gql(VERSIONS, { id: editedId, first: 3 }, EDITED)),
  ];
  expect(await reads(versioned)).toEqual(await reads(legacy));
});
