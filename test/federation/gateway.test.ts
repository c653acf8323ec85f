import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { DEFAULT_USER, ok, OTHER_USER, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  composeSupergraph,
  emailOf,
  startBookmarksSubgraph,
  startGateway,
  startUsersSubgraph,
  trainingTypeDefs,
  type RunningGateway,
  type RunningSubgraph,
} from './in-process-federation.js';

const ATHLETE = DEFAULT_USER;
const BULK_USER = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const UNKNOWN_ID = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const BATCH = 100;

let db: TestDatabase;
let legacyReads: TestApp; // PROGRAM_VERSIONING_WRITES=on, reads from the blob
let versionedReads: TestApp; // PROGRAM_VERSIONING_WRITES=on and PROGRAM_VERSIONING_READS=on, same database
let users: RunningSubgraph;
let bookmarks: RunningSubgraph;
let gateway: RunningGateway;

interface Seeded {
  program: { id: string; workouts: { id: string; exercises: { id: string }[] }[] };
  otherProgramId: string;
  sessionId: string;
  versionIds: string[];
  strangerProgramId: string;
  strangerSessionId: string;
  strangerVersionId: string;
  bulk: { programIds: string[]; versionIds: string[]; sessionIds: string[] };
}
let seeded: Seeded;

const PROGRAM_VERSIONS = `query ($id: ID!) { program(id: $id) { versions { id } } }`;

/** Runs `task` over `items`, `width` at a time: seeding through the API without one request at a time. */
async function inWaves<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return results;
}

/** An active program edited once (2 versions), a completed session with a logged set, and a second program. */
async function seedAthlete(t: TestApp, userId: string) {
  const program = ok(await t.gql(CREATE_PROGRAM, { input: upperLower() }, userId)).createProgram;
  ok(await t.gql(ACTIVATE_PROGRAM, { id: program.id }, userId));
  ok(await t.gql(MODIFY_PROGRAM, { id: program.id, input: upperLower('Upper/Lower, AI edit'), source: 'AI' }, userId));
  const upper = program.workouts[0];
  const session = ok(await t.gql(START_SESSION, { programId: program.id, workoutId: upper.id, startedAt: '2026-11-20T07:00:00Z' }, userId)).startSession;
  ok(await t.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: upper.exercises[0].id, setNumber: 1, reps: 8, weightKg: 60 } }, userId));
  ok(await t.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: '2026-11-20T08:00:00Z' }, userId));
  const other = ok(await t.gql(CREATE_PROGRAM, { input: upperLower('Deload') }, userId)).createProgram;
  // `versions` lists the most recent first; the tests below index them oldest first.
  const versionIds = ok(await t.gql(PROGRAM_VERSIONS, { id: program.id }, userId)).program.versions.map((v: { id: string }) => v.id).reverse();
  return { program, otherProgramId: other.id as string, sessionId: session.id as string, versionIds: versionIds as string[] };
}

/** BATCH programs (each with its version 1) and a session on each. */
async function seedBulk(t: TestApp) {
  const programs = await inWaves(Array.from({ length: BATCH }, (_, i) => i), 10, async (i) => {
    const input = { ...upperLower(`Bulk ${i + 1}`), schedule: [] };
    return ok(await t.gql(CREATE_PROGRAM, { input }, BULK_USER)).createProgram;
  });
  const sessions = await inWaves(programs, 10, async (program) => {
    const variables = { programId: program.id, workoutId: program.workouts[0].id };
    return ok(await t.gql(START_SESSION, variables, BULK_USER)).startSession;
  });
  const versions = await inWaves(programs, 10, async (program) => ok(await t.gql(PROGRAM_VERSIONS, { id: program.id }, BULK_USER)).program.versions[0]);
  return { programIds: programs.map((p) => p.id), versionIds: versions.map((v) => v.id), sessionIds: sessions.map((s) => s.id) };
}

beforeAll(async () => {
  db = await createTestDatabase();
  legacyReads = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' }, db);
  versionedReads = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, db);
  [users, bookmarks] = await Promise.all([startUsersSubgraph(), startBookmarksSubgraph()]);
  gateway = await startGateway([
    { name: 'training', url: `${legacyReads.app.url}graphql`, typeDefs: trainingTypeDefs() },
    users,
    bookmarks,
  ]);
  const [athlete, stranger, bulk] = await Promise.all([seedAthlete(legacyReads, ATHLETE), seedAthlete(legacyReads, OTHER_USER), seedBulk(legacyReads)]);
  seeded = {
    ...athlete,
    strangerProgramId: stranger.program.id,
    strangerSessionId: stranger.sessionId,
    strangerVersionId: stranger.versionIds[0]!,
    bulk,
  };
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([users?.stop(), bookmarks?.stop()]);
  await legacyReads?.close();
  await versionedReads?.close();
  await db?.close();
});

const ME = `{
  me {
    id email
    activeProgram { name workouts { name exercises { name lastPerformance { sets { reps } } } } }
    programs { id }
  }
}`;

describe('the gateway over the training, users and bookmarks subgraphs', () => {
  it('composes: User is joined from users and training; Program is owned by training and referenced by bookmarks', () => {
    expect(gateway.supergraphSdl).toMatch(/type User[^{]*@join__type\(graph: USERS, key: "id"\)/);
    expect(gateway.supergraphSdl).toMatch(/type User[^{]*@join__type\(graph: TRAINING, key: "id"\)/);
    expect(gateway.supergraphSdl).toMatch(/type Program[^{]*@join__type\(graph: TRAINING, key: "id"\)/);
    expect(gateway.supergraphSdl).toMatch(/type Program[^{]*@join__type\(graph: BOOKMARKS, key: "id", resolvable: false\)/);
  });

  it('answers `me` with fields from both subgraphs: the active program tree with last performance, and every program', async () => {
    const result = await gateway.execute(ME, {}, ATHLETE);
    expect(result.errors).toBeUndefined();
    const me = result.data!.me;
    expect(me).toMatchObject({ id: ATHLETE, email: emailOf(ATHLETE) });
    expect(me.activeProgram.name).toBe('Upper/Lower, AI edit');
    expect(me.activeProgram.workouts.map((w: any) => w.name)).toEqual(['Upper A', 'Lower A']);
    const [bench, row] = me.activeProgram.workouts[0].exercises;
    expect(bench).toEqual({ name: 'Bench Press', lastPerformance: { sets: [{ reps: 8 }] } });
    expect(row).toEqual({ name: 'Barbell Row', lastPerformance: null });
    expect(me.programs.map((p: any) => p.id).sort()).toEqual([seeded.program.id, seeded.otherProgramId].sort());
    // users for `me`, then one `_entities` call to training for the User's fields, in a bounded number of statements
    expect(result.fetches.map((f) => f.subgraph)).toEqual(['users', 'training']);
    expect(result.fetches[1]!.statements).toBeLessThanOrEqual(3);
  });

  it("shows each user only their own programs through `me`", async () => {
    const result = await gateway.execute(`{ me { id programs { id } } }`, {}, OTHER_USER);
    expect(result.errors).toBeUndefined();
    expect(result.data!.me.programs.map((p: any) => p.id)).toEqual([seeded.strangerProgramId, expect.any(String)]);
    expect(result.data!.me.programs.map((p: any) => p.id)).not.toContain(seeded.program.id);
  });

  it('fetches Program, ProgramVersion and Session entities by key from the training subgraph', async () => {
    const query = `query ($programs: [ID!]!, $versions: [ID!]!, $sessions: [ID!]!) {
      bookmarkedPrograms(ids: $programs) { id name isActive currentVersion { number source } }
      bookmarkedVersions(ids: $versions) { id number source program { id } workouts { name } }
      bookmarkedSessions(ids: $sessions) { id workoutName completedAt sets { exerciseName reps weightKg } }
    }`;
    const result = await gateway.execute(query, { programs: [seeded.program.id], versions: seeded.versionIds, sessions: [seeded.sessionId] }, ATHLETE);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      bookmarkedPrograms: [{ id: seeded.program.id, name: 'Upper/Lower, AI edit', isActive: true, currentVersion: { number: 2, source: 'AI' } }],
      bookmarkedVersions: [
        { id: seeded.versionIds[0], number: 1, source: 'USER', program: { id: seeded.program.id }, workouts: [{ name: 'Upper A' }, { name: 'Lower A' }] },
        { id: seeded.versionIds[1], number: 2, source: 'AI', program: { id: seeded.program.id }, workouts: [{ name: 'Upper A' }, { name: 'Lower A' }] },
      ],
      bookmarkedSessions: [{ id: seeded.sessionId, workoutName: 'Upper A', completedAt: '2026-11-20T08:00:00.000Z', sets: [{ exerciseName: 'Bench Press', reps: 8, weightKg: 60 }] }],
    });
  });

  it('resolves another user’s entities, and unknown or malformed keys, to null', async () => {
    const query = `query ($programs: [ID!]!, $versions: [ID!]!, $sessions: [ID!]!) {
      bookmarkedPrograms(ids: $programs) { id name }
      bookmarkedVersions(ids: $versions) { id number }
      bookmarkedSessions(ids: $sessions) { id workoutName }
    }`;
    const variables = {
      programs: [seeded.strangerProgramId, UNKNOWN_ID, 'not-a-uuid', seeded.program.id],
      versions: [seeded.strangerVersionId, UNKNOWN_ID],
      sessions: [seeded.strangerSessionId, UNKNOWN_ID],
    };
    const result = await gateway.execute(query, variables, ATHLETE);
    expect(result.data!.bookmarkedPrograms).toEqual([null, null, null, { id: seeded.program.id, name: 'Upper/Lower, AI edit' }]);
    expect(result.data!.bookmarkedVersions).toEqual([null, null]);
    expect(result.data!.bookmarkedSessions).toEqual([null, null]);
    // nothing of the other user's data leaks into errors either
    expect(JSON.stringify(result.errors ?? [])).not.toMatch(/Upper\/Lower|Bench|Deload/);
  });

  it(`fetches ${BATCH} entities of one type through the gateway in one training request with a bounded SQL cost`, async () => {
    const result = await gateway.execute(`query ($ids: [ID!]!) { bookmarkedPrograms(ids: $ids) { id name currentVersion { number } } }`, { ids: seeded.bulk.programIds }, BULK_USER);
    expect(result.errors).toBeUndefined();
    expect(result.data!.bookmarkedPrograms.map((p: any) => p.id)).toEqual(seeded.bulk.programIds);
    const training = result.fetches.filter((f) => f.subgraph === 'training');
    expect(training).toHaveLength(1);
    expect(training[0]!.statements).toBeLessThanOrEqual(2);
  });
});

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Program { id name isActive workouts { id name exercises { id name } } currentVersion { id number } }
    ... on ProgramVersion { id number source createdAt program { id name } workouts { id name } schedule { dayOfWeek } }
    ... on Session { id workoutName startedAt completedAt programVersion { id number } sets { exerciseName reps } }
  }
}`;

const refs = (typename: string, ids: readonly string[]) => ids.map((id) => ({ __typename: typename, id }));

describe('_entities directly on the training subgraph', () => {
  it('re-fetches by key the entities a gateway query returned', async () => {
    const viaGateway = (await gateway.execute(`{ me { programs { id name } } }`, {}, ATHLETE)).data!.me.programs;
    const direct = ok(await legacyReads.gql(ENTITIES, { representations: refs('Program', viaGateway.map((p: any) => p.id)) }, ATHLETE))._entities;
    expect(direct.map((p: any) => ({ id: p.id, name: p.name }))).toEqual(viaGateway);
    expect(direct.every((p: any) => p.__typename === 'Program')).toBe(true);
  });

  it('mixes types in one call and answers in representation order', async () => {
    const representations = [
      ...refs('Session', [seeded.sessionId]),
      ...refs('ProgramVersion', [seeded.versionIds[1]!]),
      ...refs('Program', [seeded.program.id]),
    ];
    const entities = ok(await legacyReads.gql(ENTITIES, { representations }, ATHLETE))._entities;
    expect(entities.map((e: any) => [e.__typename, e.id])).toEqual(representations.map((r) => [r.__typename, r.id]));
    expect(entities[0].sets).toEqual([{ exerciseName: 'Bench Press', reps: 8 }]);
    expect(entities[1]).toMatchObject({ number: 2, program: { id: seeded.program.id } });
  });

  it("cannot fetch another user's Program, ProgramVersion, Session or User fields", async () => {
    const representations = [
      ...refs('Program', [seeded.program.id]),
      ...refs('ProgramVersion', [seeded.versionIds[0]!]),
      ...refs('Session', [seeded.sessionId]),
    ];
    for (const app of [legacyReads, versionedReads]) {
      const response = await app.gql(ENTITIES, { representations }, OTHER_USER);
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toEqual([null, null, null]);
    }
    const user = await legacyReads.gql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { programs { id } } } }`, { r: refs('User', [ATHLETE]) }, OTHER_USER);
    expect(user.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(user)).not.toContain(seeded.program.id);
  });

  /**
   * What a gateway asks of an entity it joins: its own fields and the value tree it owns, no links to other entities —
   * for 100 programs, down to the exercises: 100 whole program trees are over the operation cost budget.
   */
  const OWN_FIELDS: Record<string, string> = {
    Program: 'id name isActive updatedAt workouts { id name position exercises { id name } } schedule { dayOfWeek workout { id } }',
    ProgramVersion: 'id number source name createdAt workouts { id name exercises { id name } } schedule { dayOfWeek workout { id } }',
    Session: 'id workoutName startedAt completedAt sets { exerciseId exerciseName setNumber reps }',
  };
  const entitiesOf = (typename: string, fields: string) =>
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${fields} } } }`;
  const bulkIds = (typename: string): string[] =>
    ({ Program: seeded.bulk.programIds, ProgramVersion: seeded.bulk.versionIds, Session: seeded.bulk.sessionIds })[typename]!;

  describe.each([
    ['legacy', () => legacyReads],
    ['versioned', () => versionedReads],
  ])(`${BATCH} representations of one type on the %s read path`, (_, app) => {
    it.each(['Program', 'ProgramVersion', 'Session'])('%s: every entity with its own fields in at most 2 SQL statements', async (typename) => {
      const ids = bulkIds(typename);
      const response = await app().gql(entitiesOf(typename, OWN_FIELDS[typename]!), { representations: refs(typename, ids) }, BULK_USER);
      const entities = ok(response)._entities;
      expect(entities.map((e: any) => e?.id)).toEqual(ids);
      // Version trees are immutable and cached per process: a warm ProgramVersion batch may need no statement at all.
      if (typename !== 'ProgramVersion') expect(response.statements).toBeGreaterThan(0);
      expect(response.statements).toBeLessThanOrEqual(2);
    });

    it.each(['Program', 'ProgramVersion', 'Session'])(`%s: links to other entities cost as much for ${BATCH} as for 1`, async (typename) => {
      const ids = bulkIds(typename);
      const one = await app().gql(ENTITIES, { representations: refs(typename, ids.slice(0, 1)) }, BULK_USER);
      const many = await app().gql(ENTITIES, { representations: refs(typename, ids) }, BULK_USER);
      expect(ok(many)._entities.map((e: any) => e?.id)).toEqual(ids);
      expect(ok(one)._entities).toHaveLength(1);
      // one statement per entity type a link reaches, never one per representation
      expect(many.statements).toBe(one.statements);
      expect(many.statements).toBeLessThanOrEqual(4);
    });
  });
});

describe('the supergraph', () => {
  it("composes the same from the SDL the subgraph serves on `_service` as from rover.yaml's schema file", async () => {
    const served = ok(await legacyReads.gql(`{ _service { sdl } }`, {}, null))._service.sdl as string;
    const file = readFileSync('src/graphql/generated/training.graphql', 'utf8');
    const url = 'http://training.test/graphql';
    expect(composeSupergraph([{ name: 'training', url, typeDefs: parse(served) }])).toBe(composeSupergraph([{ name: 'training', url, typeDefs: parse(file) }]));
  });
});
