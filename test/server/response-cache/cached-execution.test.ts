import { seedDemoData } from '../../../src/seed/seed-demo.js';
import { DEMO_USERS } from '../../../src/seed/demo-data.js';
import { capturedLog, flagFilePath, phaseFile, waitForFlags, writeFlagFile } from '../../flags/flag-files.js';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../../support/fixtures.js';
import { startShadowReadingApp } from '../../support/shadow-reading-app.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { ok, startTestApp, type TestApp } from '../../support/test-app.js';
import type { RunningApp } from '../../../src/server/app.js';

/**
 * The workout screen's answer is kept per (user, phase, document, operation,
 * variables) and served without executing again while the active program's
 * row, revision, current version and the user's history watermark — read from
 * the primary by the request's one statement — are unchanged. Each test pins
 * one guarantee: it is served, it is byte-for-byte what execution gives after
 * every kind of write (here or in another process), phases never mix, and
 * anything the validator does not cover executes.
 */

const FULL_TREE = `{ activeProgram { id name workouts { id name position exercises { id name notes sets { reps repsMax weightKg restSeconds }
  lastPerformance { performedAt sets { setNumber reps weightKg rpe } } } } schedule { dayOfWeek workout { id } } } }`;

let db: TestDatabase;
let app: TestApp;
/** Another process on the same database, with a response cache of its own. */
let other: TestApp;
/** The legacy read path (Phase 1), and another process of it. */
let legacy: TestApp;
let legacyOther: TestApp;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params), new Date('2026-11-20T12:00:00Z'));
  app = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'on' }, db);
  other = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'on' }, db);
  legacy = await startTestApp({}, db);
  legacyOther = await startTestApp({}, db);
});
afterAll(async () => {
  await legacyOther?.close();
  await legacy?.close();
  await other?.close();
  await app?.close();
  await db?.close();
});

interface Raw {
  readonly text: string;
  readonly statements: number;
}

/** The response exactly as sent (the bytes a client receives), with the statements it ran. */
async function raw(server: RunningApp, query: string, userId: string, variables: Record<string, unknown> = {}): Promise<Raw> {
  const response = await fetch(`${server.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': userId },
    body: JSON.stringify({ query, variables }),
  });
  return { text: await response.text(), statements: Number(response.headers.get('x-sql-statements')) };
}

async function hits(server: RunningApp): Promise<number> {
  return (await server.metrics.responseCache.get()).values.find((v) => v.labels.outcome === 'hit')?.value ?? 0;
}

let fresh = 0;
/** The same operation in a document no request sent before: it cannot be kept, so it executes. */
const executed = (server: RunningApp, query: string, userId: string, variables: Record<string, unknown> = {}) =>
  raw(server, `${query}\n# fresh execution ${++fresh}`, userId, variables);

/** Reads `query` until it is served from the cache, and checks that answer against a fresh execution's, byte for byte. */
async function expectServedAsExecuted(server: RunningApp, query: string, userId: string): Promise<string> {
  await raw(server, query, userId);
  const before = await hits(server);
  const served = await raw(server, query, userId);
  expect(await hits(server)).toBe(before + 1);
  expect(served.statements).toBe(1);
  expect(served.text).toBe((await executed(server, query, userId)).text);
  return served.text;
}

describe('response cache: served without executing, as execution answers', () => {
  it.each(Object.entries(DEMO_USERS))('serves the full tree of %s again in 1 statement, byte for byte', async (_, userId) => {
    const text = await expectServedAsExecuted(app.app, FULL_TREE, userId);
    expect(JSON.parse(text).data.activeProgram).not.toBeNull();
  });

  it.each([
    ['versioned', '16000000-0000-4000-8000-000000000001'],
    ['legacy', '16000000-0000-4000-8000-000000000011'],
  ])('%s reads: after every kind of write, here or in another process, the next answer is a fresh execution\'s', async (path, user) => {
    const [here, there] = path === 'versioned' ? [app, other] : [legacy, legacyOther];
    const created = ok(await here.gql(CREATE_PROGRAM, { input: upperLower('Cached') }, user)).createProgram;
    ok(await here.gql(ACTIVATE_PROGRAM, { id: created.id }, user));
    const workout = created.workouts[0];
    const bench = workout.exercises[0];
    const writes: [string, () => Promise<unknown>][] = [
      ['modifyProgram', async () => ok(await here.gql(MODIFY_PROGRAM, { id: created.id, input: { ...upperLower('Renamed') } }, user))],
      ['an AI edit', async () => ok(await here.gql(MODIFY_PROGRAM, { id: created.id, input: { ...upperLower('AI'), name: 'AI edit' }, source: 'AI' }, user))],
      ['modifyProgram in another process', async () => ok(await there.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('Elsewhere') }, user))],
      [
        'logSet and completeSession',
        async () => {
          const session = ok(await here.gql(START_SESSION, { programId: created.id, workoutId: workout.id }, user)).startSession;
          ok(await here.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: bench.id, setNumber: 1, reps: 5, weightKg: 80 } }, user));
          ok(await here.gql(COMPLETE_SESSION, { sessionId: session.id }, user));
        },
      ],
      [
        'logSet and completeSession in another process',
        async () => {
          const session = ok(await there.gql(START_SESSION, { programId: created.id, workoutId: workout.id }, user)).startSession;
          ok(await there.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: bench.id, setNumber: 1, reps: 9, weightKg: 90 } }, user));
          ok(await there.gql(COMPLETE_SESSION, { sessionId: session.id }, user));
        },
      ],
      [
        'another program activated',
        async () => {
          const next = ok(await there.gql(CREATE_PROGRAM, { input: upperLower('Next') }, user)).createProgram;
          ok(await there.gql(ACTIVATE_PROGRAM, { id: next.id }, user));
        },
      ],
      ['the first program activated again', async () => ok(await here.gql(ACTIVATE_PROGRAM, { id: created.id }, user))],
      [
        'a change of the row by SQL alone, as an operator would',
        () =>
          path === 'versioned'
            ? db.sql.query(
                `update programs set current_version_id = (select v.id from program_versions v where v.program_id = $1 order by v.version_number limit 1) where id = $1`,
                [created.id],
              )
            : db.sql.query(`update programs set name = 'By hand' where id = $1`, [created.id]),
      ],
    ];
    let previous = await expectServedAsExecuted(here.app, FULL_TREE, user);
    for (const [write, run] of writes) {
      await run();
      const next = await raw(here.app, FULL_TREE, user);
      expect({ write, text: next.text }).toEqual({ write, text: (await executed(here.app, FULL_TREE, user)).text });
      expect({ write, changed: next.text !== previous }).toEqual({ write, changed: true });
      previous = await expectServedAsExecuted(here.app, FULL_TREE, user);
    }
  });

  it('a deleted active program is not served: the next answer is null, as execution gives', async () => {
    const user = '16000000-0000-4000-8000-000000000002';
    const created = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('Doomed') }, user)).createProgram;
    ok(await app.gql(ACTIVATE_PROGRAM, { id: created.id }, user));
    await expectServedAsExecuted(app.app, FULL_TREE, user);
    await db.sql.query(`update programs set deleted_at = now() where id = $1`, [created.id]);
    const before = await hits(app.app);
    expect(JSON.parse((await raw(app.app, FULL_TREE, user)).text)).toEqual({ data: { activeProgram: null } });
    expect(JSON.parse((await raw(app.app, FULL_TREE, user)).text)).toEqual({ data: { activeProgram: null } });
    // No row, no watermark: "no active program" is never kept.
    expect(await hits(app.app)).toBe(before);
  });
});

describe('response cache: what is never served', () => {
  const user = DEMO_USERS.alice;

  it.each([
    ['a field the validator does not cover (currentVersion)', `{ activeProgram { id currentVersion { id } } }`],
    ['a field with sessions behind it (ExercisePerformance.session)', `{ activeProgram { workouts { exercises { lastPerformance { session { id workoutName } } } } } }`],
    ['another root field beside it', `{ activeProgram { id } sessions(first: 1) { edges { node { id } } } }`],
    ['a covered field through a fragment beside an uncovered one', `query Q { activeProgram { ...P } } fragment P on Program { id versions { id } }`],
    ['introspection', `{ activeProgram { id } __schema { queryType { name } } }`],
  ])('%s: executes every time', async (_, query) => {
    await raw(app.app, query, user);
    const before = await hits(app.app);
    const again = await raw(app.app, query, user);
    expect(await hits(app.app)).toBe(before);
    expect(again.text).toBe((await executed(app.app, query, user)).text);
  });

  it('covered fields through fragments, inline fragments, aliases and @include are served', async () => {
    const query = `query Screen($more: Boolean!) { screen: activeProgram { ...P ... on Program { revision } } }
      fragment P on Program { id title: name workouts @include(if: $more) { id } currentVersion @skip(if: true) { id } }`;
    await raw(app.app, query, user, { more: true });
    const before = await hits(app.app);
    await raw(app.app, query, user, { more: true });
    expect(await hits(app.app)).toBe(before + 1);
    // Other variables: another answer, executed first.
    const other = await raw(app.app, query, user, { more: false });
    expect(await hits(app.app)).toBe(before + 1);
    expect(JSON.parse(other.text).data.screen.workouts).toBeUndefined();
  });

  it('@include turning on a field the validator does not cover executes', async () => {
    const query = `query Screen($v: Boolean!) { activeProgram { id currentVersion @include(if: $v) { id } } }`;
    await raw(app.app, query, user, { v: false });
    const before = await hits(app.app);
    await raw(app.app, query, user, { v: false });
    expect(await hits(app.app)).toBe(before + 1);
    await raw(app.app, query, user, { v: true });
    await raw(app.app, query, user, { v: true });
    expect(await hits(app.app)).toBe(before + 1);
  });

  it('a shadow-read sample is not served: its comparison runs every time', async () => {
    const shadow = await startShadowReadingApp(db);
    try {
      const compared = async () =>
        (await shadow.app.metrics.shadowReads.get()).values.filter((v) => v.labels.operation === 'activeProgram').reduce((sum, v) => sum + v.value, 0);
      const answers = [await raw(shadow.app, FULL_TREE, user), await raw(shadow.app, FULL_TREE, user)];
      for (let i = 0; i < 200 && (await compared()) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await compared()).toBe(2);
      expect(await hits(shadow.app)).toBe(0);
      expect(answers[1]!.text).toBe(answers[0]!.text);
    } finally {
      await shadow.app.close();
    }
  });
});

describe('response cache: phases never mix', () => {
  it('after a flag flip from versioned to legacy reads, the legacy answer is executed, not the versioned one served', async () => {
    const path = flagFilePath();
    writeFlagFile(path, phaseFile(5));
    const { log, lines } = capturedLog();
    const live = await startTestApp({ FLAGS_FILE: path }, db, { log });
    try {
      const user = '16000000-0000-4000-8000-000000000003';
      const created = ok(await live.gql(CREATE_PROGRAM, { input: upperLower('Before') }, user)).createProgram;
      ok(await live.gql(ACTIVATE_PROGRAM, { id: created.id }, user));
      // Phase 5 writes versions only: the blob keeps the old name, so the two paths now answer differently.
      ok(await live.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('Versioned only') }, user));
      const versioned = await expectServedAsExecuted(live.app, FULL_TREE, user);
      expect(JSON.parse(versioned).data.activeProgram.name).toBe('Versioned only');
      writeFlagFile(path, phaseFile(1));
      await waitForFlags(live, lines, user, { versioningWrites: false, versioningReads: false, legacyJsonWrites: true });
      const legacy = await raw(live.app, FULL_TREE, user);
      expect(legacy.text).toBe((await executed(live.app, FULL_TREE, user)).text);
      expect(JSON.parse(legacy.text).data.activeProgram.name).toBe('Before');
    } finally {
      await live.close();
    }
  });
});
