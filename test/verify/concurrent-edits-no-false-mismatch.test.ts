import type { RunningApp } from '../../src/server/app.js';
import { runVerify, type Mismatch } from '../../src/verify/verify-runner.js';
import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION, sets, upperLower } from '../support/fixtures.js';
import { startShadowReadingApp, type LoggedLine } from '../support/shadow-reading-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * Regression: shadow reads compared the caller's versioned answer with a
 * legacy read made later, so an edit committed in between was reported as a
 * mismatch (`updatedAt`, `content.workouts.0.exercises.length`,
 * `currentVersionId`), and the Phase 4 gate — zero mismatches — could not be
 * met on a busy service. Several users edit their programs and log sessions
 * while every versioned request is shadow-read and `verify` runs over and
 * over: every comparison reads one snapshot, so none may differ.
 */

const USERS = ['74000000-0000-4000-8000-000000000001', '74000000-0000-4000-8000-000000000002', '74000000-0000-4000-8000-000000000003', '74000000-0000-4000-8000-000000000004'];
const EDITS = 16;

let db: TestDatabase;
let app: RunningApp;
let warnings: LoggedLine[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app, logged: warnings } = await startShadowReadingApp(db));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

async function gql(query: string, user: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${app.url}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': user },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Edit `i` of a program: renamed, workouts renamed, weights changed, an exercise added or removed. */
function edit(created: any, i: number) {
  const input = upperLower(`Program edit ${i}`);
  return {
    ...input,
    workouts: input.workouts.map((w, wi) => ({
      ...w,
      id: created.workouts[wi].id,
      name: `${w.name} ${i}`,
      exercises: [
        ...w.exercises.map((e, ei) => ({ ...e, id: created.workouts[wi].exercises[ei].id, sets: sets(3, 8, 60 + i) })),
        ...(i % 2 === 1 ? [{ name: `Accessory ${i}`, sets: sets(2, 12, 20) }] : []),
      ],
    })),
  };
}

async function train(user: string, programId: string, workout: any, n: number) {
  const startedAt = new Date(Date.UTC(2026, 10, 1, n)).toISOString();
  const session = (await gql(START_SESSION, user, { programId, workoutId: workout.id, startedAt })).startSession;
  await gql(LOG_SET, user, { sessionId: session.id, input: { exerciseId: workout.exercises[0].id, setNumber: 1, reps: 5, weightKg: 60 + n } });
  await gql(COMPLETE_SESSION, user, { sessionId: session.id, completedAt: new Date(Date.UTC(2026, 10, 1, n, 45)).toISOString() });
}

const READ = `query ($id: ID!) {
  program(id: $id) { id name updatedAt revision currentVersion { id }
    workouts { id name exercises { id name sets { id weightKg } lastPerformance { performedAt sets { weightKg } } } }
    schedule { id dayOfWeek workout { name } } }
  activeProgram { id name workouts { exercises { id } } }
  programs { id name }
  sessions(first: 10) { edges { node { id workoutName workout { name exercises { name } } sets { weightKg } } } } }`;

async function outcomes(): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const v of (await app.metrics.shadowReads.get()).values) totals[v.labels.outcome as string] = (totals[v.labels.outcome as string] ?? 0) + v.value;
  return totals;
}

describe('shadow reads and verify under concurrent edits', () => {
  it('report zero mismatches over hundreds of comparisons', async () => {
    const programs = new Map<string, any>();
    for (const user of USERS) {
      const created = (await gql(CREATE_PROGRAM, user, { input: upperLower('Program edit 0') })).createProgram;
      await gql(ACTIVATE_PROGRAM, user, { id: created.id });
      await train(user, created.id, created.workouts[0], 0);
      programs.set(user, created);
    }

    let writing = true;
    const writers = Promise.all(
      USERS.map(async (user) => {
        const created = programs.get(user);
        for (let i = 1; i <= EDITS; i++) {
          await gql(MODIFY_PROGRAM, user, { id: created.id, input: edit(created, i) });
          if (i % 4 === 0) await train(user, created.id, created.workouts[i % 8 === 0 ? 0 : 1], i);
        }
      }),
    ).finally(() => (writing = false));
    let reads = 0;
    const readers = Promise.all(
      USERS.map(async (user) => {
        while (writing) {
          await gql(READ, user, { id: programs.get(user).id });
          reads += 1;
        }
      }),
    );
    const verifyMismatches: Mismatch[] = [];
    let verified = 0;
    const verifier = (async () => {
      while (writing) {
        const counts = await runVerify(db.orm, { batchSize: 3, onMismatch: (m) => verifyMismatches.push(m) });
        verified += counts.programs.total + counts.sessions.total;
      }
    })();
    await Promise.all([writers, readers, verifier]);

    // Every comparison started has been counted once the counters stop moving.
    let last = -1;
    for (let i = 0; i < 400; i++) {
      const now = Object.values(await outcomes()).reduce((a, b) => a + b, 0);
      if (now === last) break;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const shadow = await outcomes();
    const falseMismatches = warnings.filter((w) => w.msg?.startsWith('shadow read mismatch')).map((w) => w.paths);
    expect({ shadowMismatched: shadow.mismatched ?? 0, shadowErrored: shadow.errored ?? 0, falseMismatches, verifyMismatches }).toEqual({
      shadowMismatched: 0,
      shadowErrored: 0,
      falseMismatches: [],
      verifyMismatches: [],
    });
    expect(reads).toBeGreaterThan(0);
    expect(shadow.matched ?? 0).toBeGreaterThanOrEqual(300);
    expect(verified).toBeGreaterThan(0);
  });
});
