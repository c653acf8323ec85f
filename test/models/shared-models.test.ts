import { setFlagsFromString } from 'node:v8';
import type { ProgramContent, SetPrescription } from '../../src/domain/program.js';
import { prescribedSets, scheduleModels, setPrescriptionId, scheduleSnapshots, workoutModels, workoutSnapshots } from '../../src/models/read-models.js';

/**
 * The versioned read path hands out the same content object for as long as a
 * version is cached (versions never change), so the models derived from it
 * are built once and shared by every request — not rebuilt per
 * request. What is shared must be exactly what a fresh derivation gives, and
 * never another program's or version's ids.
 */
const PROGRAM = '0b000000-0000-4000-8000-000000000001';
const OTHER_PROGRAM = '0b000000-0000-4000-8000-000000000002';
const VERSION = '0c000000-0000-4000-8000-000000000001';
const OTHER_VERSION = '0c000000-0000-4000-8000-000000000002';

const content = (): ProgramContent => ({
  workouts: [
    { id: '1', name: 'A', exercises: [{ id: '2', name: 'Squat', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: 100, restSeconds: 180 }] }] },
    { id: '3', name: 'B', exercises: [{ id: '4', name: 'Bench', notes: 'paused', sets: [{ reps: 8, repsMax: 10, weightKg: null, restSeconds: 90 }] }] },
  ],
  schedule: [
    { dayOfWeek: 0, workoutIndex: 0 },
    { dayOfWeek: 2, workoutIndex: 1 },
    { dayOfWeek: 2, workoutIndex: 5 },
  ],
});

it('a content object’s workouts and schedule are built once and shared', () => {
  const c = content();
  const workouts = workoutModels(PROGRAM, c);
  expect(workoutModels(PROGRAM, c)).toBe(workouts);
  expect(scheduleModels(PROGRAM, c)).toBe(scheduleModels(PROGRAM, c));
  expect(scheduleModels(PROGRAM, c)[0]!.workout).toBe(workouts[0]);
});

it('what is shared is what a fresh derivation gives', () => {
  const shared = content();
  workoutModels(PROGRAM, shared);
  scheduleModels(PROGRAM, shared);
  expect(workoutModels(PROGRAM, shared)).toEqual(workoutModels(PROGRAM, content()));
  expect(scheduleModels(PROGRAM, shared)).toEqual(scheduleModels(PROGRAM, content()));
  expect(workoutModels(PROGRAM, shared).map((w) => [w.id, w.position, w.exercises.map((e) => e.id)])).toEqual([
    [`${PROGRAM}:1`, 0, [`${PROGRAM}:2`]],
    [`${PROGRAM}:3`, 1, [`${PROGRAM}:4`]],
  ]);
  expect(scheduleModels(PROGRAM, shared).map((e) => e.id)).toEqual([`${PROGRAM}/0/0`, `${PROGRAM}/2/0`]);
});

it('the same content shown under another program gets that program’s ids', () => {
  const c = content();
  expect(workoutModels(PROGRAM, c)[0]!.id).toBe(`${PROGRAM}:1`);
  expect(workoutModels(OTHER_PROGRAM, c)[0]!.id).toBe(`${OTHER_PROGRAM}:1`);
  expect(scheduleModels(OTHER_PROGRAM, c)[0]!.id).toBe(`${OTHER_PROGRAM}/0/0`);
});

it('prescribed sets are shared per list and owner, and carry their owner’s ids', () => {
  const sets = content().workouts[0]!.exercises[0]!.sets;
  const mine = prescribedSets('owner-a', sets);
  expect(prescribedSets('owner-a', sets)).toBe(mine);
  expect(mine).toEqual([{ reps: 5, repsMax: null, weightKg: 100, restSeconds: 180, ownerId: 'owner-a', index: 0 }]);
  expect(setPrescriptionId(mine[0]!)).toBe('owner-a/0');
  expect(setPrescriptionId(prescribedSets('owner-b', sets)[0]!)).toBe('owner-b/0');
  // The id is joined when asked, not kept: kept, it was two more objects per set for every cached version.
  expect(Object.keys(mine[0]!)).not.toContain('id');
});

it('a version’s snapshots are shared, and scoped to the version', () => {
  const c = content();
  const version = { id: VERSION, programId: PROGRAM, content: c };
  const workouts = workoutSnapshots(version);
  expect(workoutSnapshots({ ...version })).toBe(workouts);
  expect(scheduleSnapshots(version)).toBe(scheduleSnapshots({ ...version }));
  expect(setPrescriptionId(workouts[0]!.exercises[0]!.sets[0]!)).toBe(`${VERSION}/${PROGRAM}:2/0`);
  expect(workoutSnapshots({ id: OTHER_VERSION, programId: PROGRAM, content: c })[0]!.id).toBe(`${OTHER_VERSION}/${PROGRAM}:1`);
});

/**
 * The models are kept as long as their version is cached, so every full
 * collection marks them: a hidden class per set (what spreading the stored
 * set gave once its numbers had been both integers and fractions) doubled
 * the objects to mark. Sets parsed from JSON, as the database hands them
 * over, with every mix of numbers, share one hidden class.
 */
it('prescribed sets share one hidden class, whatever numbers they hold', () => {
  setFlagsFromString('--allow-natives-syntax');
  const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
  const models = Array.from({ length: 200 }, (_, i) => {
    const stored = JSON.parse(
      `[{"reps":${5 + (i % 3)},"repsMax":${i % 4 ? 'null' : 12},"weightKg":${i % 2 ? 60 : 62.5},"restSeconds":90},{"reps":8,"repsMax":null,"weightKg":${i % 5 ? 'null' : 40.25},"restSeconds":120}]`,
    ) as SetPrescription[];
    return prescribedSets(`${VERSION}/${i}`, stored);
  }).flat();
  const last = models.at(-1)!;
  expect(models.filter((m) => !sameMap(m, last))).toEqual([]);
  expect(models[1]).toStrictEqual({ reps: 8, repsMax: null, weightKg: 40.25, restSeconds: 120, ownerId: `${VERSION}/0`, index: 1 });
});
