import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { typePolicies } from '../../src/client/type-policies.js';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { loadApollo, newClient, restoreConsole, takeLogged } from './apollo-harness.js';
import * as doc from './client-documents.js';
import { insertTwoOldPrograms, TWO_OLD_PROGRAMS_USER } from './two-old-programs.js';

/**
 * The README's flows as a front end runs them: Apollo Client 4, a default
 * `InMemoryCache`, `HttpLink` over `fetch` to the real server. After every
 * step each query the app ran so far is fetched again, and the cache alone
 * must then answer every one of them exactly as the network did, with nothing
 * printed by Apollo Client. Both read paths, on the demo data: alice (current
 * blob shape, months of history) and bob (a pre-Phase-1 blob: numeric ids, an
 * exercise without one, compact sets).
 */


const NOW = new Date('2026-11-20T12:00:00Z');
const WEEK = { from: '2026-11-16', to: '2026-11-22' };

const PATHS: { name: string; env: Record<string, string>; backfill: boolean }[] = [
  { name: 'phase 1 (legacy reads)', env: {}, backfill: false },
  { name: 'phase 4 (versioned reads, after the backfill)', env: { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, backfill: true },
];
const USERS = [
  { name: 'modern user (alice)', id: DEMO_USERS.alice },
  { name: 'user with a pre-Phase-1 blob (bob)', id: DEMO_USERS.bob },
];
const TWO_OLD_PROGRAMS_USERS = [{ name: 'user with two old programs sharing ids "1", "2"', id: TWO_OLD_PROGRAMS_USER }];

/** Steps settled per flow, summed over all flows run (the report's figures). */
const figures = { flows: 0, steps: 0, queryChecks: 0 };

beforeAll(async () => {
  await loadApollo();
});
afterAll(() => {
  restoreConsole();
  process.stderr.write(`apollo flows: ${figures.flows} flows, ${figures.steps} steps, ${figures.queryChecks} cache-versus-network checks\n`);
});

interface Workout {
  id: string;
  name: string;
  exercises: { id: string; name: string; notes: string | null; sets: { reps: number; repsMax: number | null; weightKg: number | null; restSeconds: number }[] }[];
}

/** The AI's edit: the first workout renamed, its first exercise heavier, its second one set shorter; every id sent back. */
function aiEdit(program: { name: string; workouts: Workout[]; schedule: { dayOfWeek: number; workout: { id: string } }[] }) {
  return {
    name: program.name,
    workouts: program.workouts.map((w, wi) => ({
      id: w.id,
      name: wi === 0 ? `${w.name} (AI)` : w.name,
      exercises: w.exercises.map((e, ei) => {
        let sets = e.sets.map(({ reps, repsMax, weightKg, restSeconds }) => ({ reps, repsMax, weightKg, restSeconds }));
        if (wi === 0 && ei === 0) sets = sets.map((s) => ({ ...s, reps: s.reps + 1, weightKg: (s.weightKg ?? 0) + 2.5 }));
        if (wi === 0 && ei === 1) sets = sets.length > 1 ? sets.slice(0, -1) : [...sets, sets[0]!];
        return { id: e.id, name: e.name, notes: e.notes, sets };
      }),
    })),
    schedule: program.schedule.map((s) => ({ dayOfWeek: s.dayOfWeek, workoutIndex: program.workouts.findIndex((w) => w.id === s.workout.id) })),
  };
}

/** `pageSize`: small enough that the user's history has a second page. */
async function runFlows(url: string, userId: string, versioned: boolean, pageSize = 5): Promise<void> {
  const c = newClient(url, userId, typePolicies);
  const settle = async (step: string) => {
    figures.steps += 1;
    figures.queryChecks += await c.settle(step);
  };

  // The workout screen, as the client guide / landing page and the README send it.
  await c.watch('workout screen (client guide)', doc.GUIDE_WORKOUT_SCREEN);
  const program = (await c.watch('workout screen (README)', doc.WORKOUT_SCREEN)).activeProgram;
  await settle('workout screen');
  await c.watch('program list', doc.PROGRAMS);
  await c.watch('editor', doc.EDITOR, { id: program.id });
  await settle('program list and editor');

  await c.watch('version history', doc.VERSION_HISTORY, { id: program.id });
  await c.watch('version diffs', doc.VERSION_DIFFS, { id: program.id });
  await c.watch('version list', doc.VERSION_LIST, { id: program.id });
  await settle('version history');

  await c.watch('calendar', doc.CALENDAR, WEEK);
  await settle('calendar');

  const page1 = await c.watch('history page 1', doc.HISTORY, { first: pageSize });
  expect(page1.sessions.pageInfo.hasNextPage).toBe(true);
  await c.watch('history page 2', doc.HISTORY, { first: pageSize, after: page1.sessions.pageInfo.endCursor });
  await settle('paging');

  const exerciseIds = program.workouts.flatMap((w: Workout) => w.exercises.map((e) => e.id));
  await c.watch('last performance', doc.LAST_PERFORMANCE, { exerciseIds });
  await settle('last performance');

  const workout = program.workouts[0] as Workout;
  const session = (await c.mutate(doc.START_SESSION, { programId: program.id, workoutId: workout.id, startedAt: '2026-11-21T07:00:00Z' })).startSession;
  await c.watch('session', doc.SESSION, { id: session.id });
  await settle('start a session');

  for (const exercise of workout.exercises.slice(0, 2)) {
    for (const setNumber of [1, 2]) {
      await c.mutate(doc.LOG_SET, { sessionId: session.id, input: { exerciseId: exercise.id, setNumber, reps: 6, weightKg: 42.5, rpe: 8 } });
      await settle(`log set ${setNumber} of ${exercise.name}`);
    }
  }
  await c.mutate(doc.COMPLETE_SESSION, { sessionId: session.id, completedAt: '2026-11-21T08:00:00Z' });
  await settle('complete the session');
  const screen = c.read(doc.WORKOUT_SCREEN);
  expect(screen?.activeProgram.workouts[0].exercises[0].lastPerformance.id).toBe(`${session.id}/${workout.exercises[0]!.id}`);

  const before = (await c.watch('editor', doc.EDITOR, { id: program.id })).program;
  const edited = (await c.mutate(doc.MODIFY_PROGRAM, { id: program.id, input: aiEdit(before), source: 'AI' })).modifyProgram;
  expect(edited.workouts.map((w: Workout) => w.id)).toEqual(before.workouts.map((w: Workout) => w.id));
  expect(edited.workouts[0].exercises[1].sets.length).not.toBe(before.workouts[0].exercises[1].sets.length);
  await settle('AI edit');
  if (versioned) {
    const diff = c.read(doc.VERSION_DIFFS, { id: program.id })?.program.versions[0].changes;
    expect(diff.workoutsRenamed).toEqual([expect.objectContaining({ workoutId: workout.id, to: `${before.workouts[0].name} (AI)` })]);
    expect(diff.setsChanged.map((c: { exerciseId: string }) => c.exerciseId)).toEqual(before.workouts[0].exercises.slice(0, 2).map((e: { id: string }) => e.id));
  }

  const doomed = edited.workouts[edited.workouts.length - 1] as Workout;
  const shrunk = (await c.mutate(doc.DELETE_WORKOUT, { programId: program.id, workoutId: doomed.id })).deleteWorkout;
  expect(shrunk.workouts).toHaveLength(edited.workouts.length - 1);
  await settle('delete a workout');
  if (versioned) {
    const diff = c.read(doc.VERSION_DIFFS, { id: program.id })?.program.versions[0].changes;
    expect(diff.workoutsRemoved).toEqual([expect.objectContaining({ workoutId: doomed.id })]);
  }
  figures.flows += 1;
}

describe.each(PATHS)('Apollo Client 4, default cache, README flows — $name', (path) => {
  let db: TestDatabase;
  let app: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData((sql, params) => db.sql.query(sql, params), NOW);
    await insertTwoOldPrograms(db.sql);
    if (path.backfill) await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 100 });
    app = await startTestApp(path.env, db);
  }, 180_000);
  afterAll(async () => {
    await app.close();
    await db.close();
  });
  beforeEach(() => {
    takeLogged();
  });

  it.each(USERS)('$name: after every step the cache answers every query as the network does, and Apollo Client prints nothing', async (user) => {
    await runFlows(app.app.url, user.id, path.backfill);
  }, 300_000);

  describe('a user with two old programs whose blobs share the ids "1", "2"', () => {
    it.each(TWO_OLD_PROGRAMS_USERS)('$name: after every step the cache answers every query as the network does, and Apollo Client prints nothing', async (user) => {
      // One completed session per old program: pages of one.
      await runFlows(app.app.url, user.id, path.backfill, 1);
    }, 300_000);
  });
});
