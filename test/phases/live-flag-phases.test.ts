import { rmSync } from 'node:fs';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { restoreLegacy } from '../../src/restore-legacy/restore-legacy.js';
import { capturedLog, flagFilePath, fractional, phaseFile, waitForFlags, writeFlagFile } from '../flags/flag-files.js';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Live flags: users moved through phases 1 → 2 → 4 → 5 and back 5 → 4 → 2 → 1
 * by rewriting the flag file of a running server, while several users edit
 * programs, train and read, concurrently, across every switch (the backfill
 * and restore-legacy run under the same load, where the runbook runs them).
 * No request fails, no acknowledged write is lost, every read answers what
 * was written, and where both read paths hold the data they agree.
 */
const USERS = ['7b000000-0000-4000-8000-000000000001', '7b000000-0000-4000-8000-000000000002', '7b000000-0000-4000-8000-000000000003', '7b000000-0000-4000-8000-000000000004'];
const PROBE = '7b000000-0000-4000-8000-0000000000ff';
/** Edits once in Phase 5 and then rests: only restore-legacy brings that edit back into the blob. */
const RESTING = '7b000000-0000-4000-8000-0000000000aa';
const PROGRAM_QUERY = `query ($id: ID!) { program(id: $id) { name workouts { id name exercises { id name } } } }`;
const PERF_QUERY = `query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { performedAt sets { weightKg } } }`;
/** Everything a user sees, for comparing the two read paths (`updatedAt` aside: the blob's and the version's clocks differ). */
const EVERYTHING = [
  `{ programs(first: 2) { id name isActive workouts { id name position exercises { id name notes sets { reps repsMax weightKg restSeconds } } } schedule { dayOfWeek workout { id name } } } }`,
  `{ sessions(first: 60) { edges { node { id workoutName startedAt completedAt sets { exerciseId exerciseName setNumber reps weightKg rpe } } } } }`,
  `query ($ids: [ID!]!) { lastPerformance(exerciseIds: $ids) { exerciseId performedAt sets { exerciseId exerciseName setNumber reps weightKg } } }`,
];

interface Athlete {
  readonly id: string;
  programId: string;
  upperId: string;
  benchId: string;
  /** The input that keeps every workout and exercise id: only the name changes between edits. */
  input: ReturnType<typeof upperLower>;
  name: string;
  edits: number;
  /** Acknowledged sessions: id → the weight of its one logged set. */
  readonly sessions: Map<string, number>;
  lastStartedAt: string;
  lastWeight: number;
}

let db: TestDatabase;
let app: TestApp;
const path = flagFilePath();
const { log, lines } = capturedLog();
const failures: string[] = [];
const athletes: Athlete[] = [];
let clock = Date.parse('2026-01-05T06:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  writeFlagFile(path, phaseFile(1));
  app = await startTestApp({ FLAGS_FILE: path }, db, { log });
});
afterAll(async () => {
  await app?.close();
  await db.close();
  rmSync(path, { force: true });
});

/** The response's data, or null after noting the failure (the loops keep going; the test fails at the end of the step). */
function answered<T>(response: GraphQLResponse<T>, what: string, athlete: Athlete): T | null {
  if (response.status === 200 && !response.errors?.length && response.data) return response.data;
  failures.push(`${athlete.id} ${what}: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
  return null;
}

function wrong(athlete: Athlete, what: string, got: unknown, expected: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${athlete.id} ${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}

async function enrol(id: string): Promise<Athlete> {
  const created = (await app.gql(CREATE_PROGRAM, { input: upperLower('Live 0') }, id)).data!.createProgram;
  await app.gql(ACTIVATE_PROGRAM, { id: created.id }, id);
  const input = upperLower('Live 0');
  input.workouts = input.workouts.map((w, i) => ({ ...w, id: created.workouts[i].id, exercises: w.exercises.map((e, j) => ({ ...e, id: created.workouts[i].exercises[j].id })) })) as typeof input.workouts;
  return { id, programId: created.id, upperId: created.workouts[0].id, benchId: created.workouts[0].exercises[0].id, input, name: 'Live 0', edits: 0, sessions: new Map(), lastStartedAt: '', lastWeight: 0 };
}

/** One round of a user's day: edit the program and read it back, train one set, read the last performance back. */
async function round(a: Athlete): Promise<void> {
  const name = `Live ${a.id.slice(-1)}.${++a.edits}`;
  const edited = answered(await app.gql(MODIFY_PROGRAM, { id: a.programId, input: { ...a.input, name } }, a.id), 'modifyProgram', a);
  if (edited) a.name = name;
  const read = answered(await app.gql(PROGRAM_QUERY, { id: a.programId }, a.id), 'program', a);
  if (read) {
    wrong(a, 'program name after edit', read.program.name, a.name);
    wrong(a, 'workout ids after edit', read.program.workouts.map((w: any) => w.id), a.input.workouts.map((w: any) => w.id));
  }
  const startedAt = new Date((clock += 3_600_000)).toISOString();
  const session = answered(await app.gql(START_SESSION, { programId: a.programId, workoutId: a.upperId, startedAt }, a.id), 'startSession', a);
  if (!session) return;
  const weightKg = 40 + a.edits * 2.5;
  const logged = answered(await app.gql(LOG_SET, { sessionId: session.startSession.id, input: { exerciseId: a.benchId, setNumber: 1, reps: 5, weightKg } }, a.id), 'logSet', a);
  const completed = answered(await app.gql(COMPLETE_SESSION, { sessionId: session.startSession.id, completedAt: new Date(clock + 1_800_000).toISOString() }, a.id), 'completeSession', a);
  if (!logged || !completed) return;
  a.sessions.set(session.startSession.id, weightKg);
  a.lastStartedAt = startedAt;
  a.lastWeight = weightKg;
  const perf = answered(await app.gql(PERF_QUERY, { ids: [a.benchId] }, a.id), 'lastPerformance', a);
  if (perf) wrong(a, 'last performance after a session', perf.lastPerformance[0], { performedAt: startedAt, sets: [{ weightKg }] });
}

/** `n` rounds for every user, the users concurrently. */
const rounds = (n: number) => Promise.all(athletes.map(async (a) => { for (let i = 0; i < n; i++) await round(a); }));

/** Every acknowledged write, as `reader` shows it to each user. */
async function checkAcknowledged(reader: TestApp, step: string): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  for (const a of athletes) {
    const data: Record<string, any> = {};
    for (const query of EVERYTHING) {
      const response = await reader.gql(query, { ids: [a.benchId] }, a.id);
      expect({ step, errors: response.errors }).toEqual({ step, errors: undefined });
      Object.assign(data, response.data);
    }
    const { programs, sessions, lastPerformance } = data;
    expect({ step, names: programs.map((p: any) => p.name) }).toEqual({ step, names: [a.name] });
    const logged = new Map(sessions.edges.map(({ node }: any) => [node.id, node.sets.map((s: any) => s.weightKg)]));
    for (const [id, weight] of a.sessions) expect({ step, id, sets: logged.get(id) }).toEqual({ step, id, sets: [weight] });
    expect({ step, performedAt: lastPerformance[0].performedAt, sets: lastPerformance[0].sets.map((s: any) => s.weightKg) }).toEqual({ step, performedAt: a.lastStartedAt, sets: [a.lastWeight] });
    seen[a.id] = data;
  }
  return seen;
}

/** Both read paths, from servers that read only (flags from the environment), agree with each other and with what was written. */
async function checkBothPaths(step: string): Promise<void> {
  const legacy = await startTestApp({}, db);
  const versioned = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, db);
  try {
    const fromLegacy = await checkAcknowledged(legacy, `${step}, legacy reads`);
    const fromVersions = await checkAcknowledged(versioned, `${step}, versioned reads`);
    expect({ step, data: fromVersions }).toEqual({ step, data: fromLegacy });
  } finally {
    await Promise.all([legacy.close(), versioned.close()]);
  }
}

/** Rewrites the file while the users work, waits until requests see it, then lets them work in the new phase. */
async function switchTo(phase: 1 | 2 | 4 | 5): Promise<void> {
  const during = rounds(3);
  writeFlagFile(path, phaseFile(phase));
  await waitForFlags(app, lines, PROBE, { versioningWrites: phase >= 2, versioningReads: phase >= 4, legacyJsonWrites: phase !== 5 });
  await during;
  await rounds(2);
  expect({ phase, failures }).toEqual({ phase, failures: [] });
}

describe('live phase changes through the flag file', () => {
  it('moves users 1 → 2 → 4 → 5 → 4 → 2 → 1 under concurrent reads and writes: no failed request, no lost write, no wrong answer', async () => {
    for (const id of USERS) athletes.push(await enrol(id));
    await rounds(2);
    await checkAcknowledged(app, 'phase 1');

    await switchTo(2);
    // Phase 3: the backfill, while the users keep writing (dual write).
    const [outcome] = await Promise.all([runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 2 }), rounds(2)]);
    expect(outcome.sessions.unmatched + outcome.sets.unmatched + outcome.programs.unreadable).toBe(0);
    await checkBothPaths('phase 2, after the backfill');

    await switchTo(4);
    await checkBothPaths('phase 4');

    await switchTo(5);
    await checkAcknowledged(app, 'phase 5');
    const resting = await enrol(RESTING);
    expect((await app.gql(MODIFY_PROGRAM, { id: resting.programId, input: { ...resting.input, name: 'Edited in phase 5' } }, RESTING)).errors).toBeUndefined();

    // Back: blobs written again first, then rewritten from the versions, under load.
    await switchTo(4);
    const [restored] = await Promise.all([restoreLegacy(db.orm, { batchSize: 2 }), rounds(2)]);
    expect(restored).toBeGreaterThanOrEqual(1);
    expect((await db.sql.query('select name from programs where id = $1', [resting.programId])).rows[0].name).toBe('Edited in phase 5');
    await checkBothPaths('phase 4, after restore-legacy');

    await switchTo(2);
    await checkBothPaths('phase 2, on the way back');

    await switchTo(1);
    await checkAcknowledged(app, 'phase 1, rolled back');

    const normalised = (await app.app.metrics.flagNormalisations.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(normalised).toBe(0); // every file held a legal phase
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('a flag file whose rollouts do not nest', () => {
  it('buckets each flag separately (flagd default): illegal combinations are normalised for each user, counted, and no write is lost', async () => {
    const separate = flagFilePath();
    writeFlagFile(separate, { flags: { PROGRAM_VERSIONING_WRITES: fractional(50), PROGRAM_VERSIONING_READS: fractional(50), LEGACY_JSON_WRITES: fractional(50) } });
    const server = await startTestApp({ FLAGS_FILE: separate }, db);
    try {
      const users = Array.from({ length: 16 }, (_, i) => `7c000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);
      const written = await Promise.all(
        users.map(async (user) => {
          const { createProgram } = (await server.gql(CREATE_PROGRAM, { input: upperLower('Separate 0') }, user)).data!;
          for (let i = 1; i <= 3; i++) {
            const response = await server.gql(MODIFY_PROGRAM, { id: createProgram.id, input: upperLower(`Separate ${i}`) }, user);
            expect({ user, errors: response.errors }).toEqual({ user, errors: undefined });
          }
          return [user, createProgram.id] as const;
        }),
      );
      for (const [user, id] of written) {
        const { program } = (await server.gql(`query ($id: ID!) { program(id: $id) { name } }`, { id }, user)).data!;
        expect({ user, name: program.name }).toEqual({ user, name: 'Separate 3' });
      }
      const counted = (await server.app.metrics.flagNormalisations.get()).values;
      expect(counted.reduce((sum, v) => sum + v.value, 0)).toBeGreaterThan(0);
    } finally {
      await server.close();
      rmSync(separate, { force: true });
    }
  }, 120_000);
});
