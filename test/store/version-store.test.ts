import { randomUUID } from 'node:crypto';
import { countStatements } from '../../src/db/statement-counter.js';
import { inTransaction } from '../../src/db/transaction.js';
import type { ProgramContent } from '../../src/domain/program.js';
import { contentHash } from '../../src/domain/content-hash.js';
import { insertVersions, selectVersionTrees, type NewVersion } from '../../src/store/version-store.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Version trees are read through the entities (on a cache miss), one statement per batch whatever their sizes. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const USER = '15000000-0000-4000-8000-000000000001';
const OTHER_USER = '15000000-0000-4000-8000-000000000002';

function content(workouts: number, exercises: number): ProgramContent {
  return {
    workouts: Array.from({ length: workouts }, (_, w) => ({
      id: `w${w}`,
      name: `Workout ${w}`,
      exercises: Array.from({ length: exercises }, (_, e) => ({
        id: `w${w}e${e}`,
        name: `Exercise ${w}.${e}`,
        notes: e % 2 ? null : `note ${e}`,
        sets: [
          { reps: 5, repsMax: null, weightKg: 62.5, restSeconds: 120 },
          { reps: 8, repsMax: 10, weightKg: null, restSeconds: 90 },
        ],
      })),
    })),
    // Out of workout order, a workout twice: positions, not workout order, decide.
    schedule: Array.from({ length: workouts + 1 }, (_, i) => ({ dayOfWeek: i % 7, workoutIndex: (workouts - 1 - i + workouts) % workouts })),
  };
}

async function program(userId: string): Promise<string> {
  const id = randomUUID();
  await db.sql.query(`insert into programs (id, user_id, name, program_json) values ($1, $2, 'P', '{}')`, [id, userId]);
  return id;
}

function version(programId: string, userId: string, number: number, parentId: string | null, c: ProgramContent): NewVersion {
  return { programId, userId, number, parentId, source: number === 1 ? 'BACKFILL' : 'USER', name: `P v${number}`, contentHash: contentHash(`P v${number}`, c), content: c };
}

it('loads whole trees as they were written — every field, positions, row ids — in one statement for any number and size', async () => {
  const first = await program(USER);
  const second = await program(USER);
  const [v1] = await inTransaction(db.orm.em.fork(), (tx) => insertVersions(tx, [version(first, USER, 1, null, content(1, 1))]));
  const written = await inTransaction(db.orm.em.fork(), (tx) =>
    insertVersions(tx, [version(first, USER, 2, v1!.id, content(6, 8)), version(second, USER, 1, null, content(3, 2))]),
  );
  const all = [v1!, ...written];

  const tally = { count: 0 };
  const loaded = await countStatements(tally, () => selectVersionTrees(db.orm.em.fork(), USER, all.map((t) => t.id)));
  expect(tally.count).toBe(1);
  const byId = new Map(loaded.map((t) => [t.id, t]));
  expect(loaded).toHaveLength(3);
  for (const tree of all) expect(byId.get(tree.id)).toEqual(tree);
});

it("returns nothing of another user's versions, unless asked for any user (operator commands)", async () => {
  const theirs = await program(OTHER_USER);
  const [tree] = await inTransaction(db.orm.em.fork(), (tx) => insertVersions(tx, [version(theirs, OTHER_USER, 1, null, content(2, 2))]));
  expect(await selectVersionTrees(db.orm.em.fork(), USER, [tree!.id])).toEqual([]);
  const tally = { count: 0 };
  expect(await countStatements(tally, () => selectVersionTrees(db.orm.em.fork(), null, [tree!.id]))).toEqual([tree]);
  // One statement, as for a user.
  expect(tally.count).toBe(1);
});

it('loads through the transaction it is given, seeing what that transaction wrote', async () => {
  const id = await program(USER);
  await inTransaction(db.orm.em.fork(), async (tx) => {
    const [tree] = await insertVersions(tx, [version(id, USER, 1, null, content(2, 3))]);
    expect(await selectVersionTrees(tx, USER, [tree!.id])).toEqual([tree]);
    expect(await selectVersionTrees(db.orm.em.fork(), USER, [tree!.id])).toEqual([]);
  });
});

it('keeps the schedule of a workout without exercises, a version without workouts, and exercise positions that do not start at 0', async () => {
  const id = await program(USER);
  const c: ProgramContent = {
    workouts: [
      { id: 'rest', name: 'Mobility', exercises: [] },
      { id: 'lift', name: 'Lift', exercises: content(1, 3).workouts[0]!.exercises },
    ],
    schedule: [
      { dayOfWeek: 0, workoutIndex: 1 },
      { dayOfWeek: 1, workoutIndex: 0 },
      { dayOfWeek: 3, workoutIndex: 1 },
      { dayOfWeek: 5, workoutIndex: 0 },
    ],
  };
  const [first] = await inTransaction(db.orm.em.fork(), (tx) => insertVersions(tx, [version(id, USER, 1, null, c)]));
  const [empty] = await inTransaction(db.orm.em.fork(), (tx) => insertVersions(tx, [version(id, USER, 2, first!.id, { workouts: [], schedule: [] })]));

  // Positions only order rows; nothing makes them start at 0 (a version written by hand here).
  const gappy = { id: randomUUID(), workout: randomUUID(), exercises: [randomUUID(), randomUUID()] };
  const sets = JSON.stringify([{ reps: 5, repsMax: null, weightKg: 60, restSeconds: 90 }]);
  await db.sql.query(
    `with v as (insert into program_versions (id, program_id, user_id, version_number, parent_version_id, source, name, content_hash)
                values ($1, $2, $3, 3, $4, 'USER', 'P v3', 'x') returning id),
          w as (insert into program_version_workouts (id, program_version_id, user_id, workout_id, position, name)
                select $5, v.id, $3, 'w', 4, 'W' from v returning id, program_version_id)
     insert into program_version_exercises (id, program_version_id, program_version_workout_id, user_id, exercise_id, position, name, notes, sets)
     select x.id, w.program_version_id, w.id, $3, x.exercise_id, x.position, x.name, null, $8::jsonb
     from w, (values ($6::uuid, 'b', 7, 'B'), ($7::uuid, 'a', 3, 'A')) as x(id, exercise_id, position, name)`,
    [gappy.id, id, USER, empty!.id, gappy.workout, gappy.exercises[0], gappy.exercises[1], sets],
  );
  await db.sql.query(
    `insert into program_version_schedule (program_version_id, user_id, position, day_of_week, program_version_workout_id)
     values ($1, $2, 2, 6, $3), ($1, $2, 1, 2, $3)`,
    [gappy.id, USER, gappy.workout],
  );

  const tally = { count: 0 };
  const loaded = await countStatements(tally, () => selectVersionTrees(db.orm.em.fork(), USER, [first!.id, empty!.id, gappy.id]));
  expect(tally.count).toBe(1);
  const byId = new Map(loaded.map((t) => [t.id, t]));
  expect(byId.get(first!.id)).toEqual(first);
  expect(byId.get(empty!.id)).toEqual(empty);
  expect(byId.get(gappy.id)?.content).toEqual({
    workouts: [
      {
        id: 'w',
        name: 'W',
        exercises: [
          { id: 'a', name: 'A', notes: null, sets: JSON.parse(sets) },
          { id: 'b', name: 'B', notes: null, sets: JSON.parse(sets) },
        ],
      },
    ],
    schedule: [
      { dayOfWeek: 2, workoutIndex: 0 },
      { dayOfWeek: 6, workoutIndex: 0 },
    ],
  });
});

it('maps plain rows: a batch of trees puts no managed entity into memory', async () => {
  const id = await program(USER);
  const [tree] = await inTransaction(db.orm.em.fork(), (tx) => insertVersions(tx, [version(id, USER, 1, null, content(3, 4))]));
  let initialised = 0;
  db.orm.em.getEventManager().registerSubscriber({ onInit: () => void initialised++ });
  expect(await selectVersionTrees(db.orm.em.fork(), USER, [tree!.id])).toEqual([tree]);
  // em.find with populate made 1 + 3 + 12 + 4 managed entities here, ~1,800 for a batch of 50 versions (~1 s).
  expect(initialised).toBe(0);
});
