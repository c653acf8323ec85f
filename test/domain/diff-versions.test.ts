import fc from 'fast-check';
import './fast-check-setup.js';
import { diffVersions, type VersionChanges } from '../../src/domain/diff-versions.js';
import type { Exercise, ProgramContent, SetPrescription, Workout } from '../../src/domain/program.js';
import { nameArb, programContentArb, scheduleArb } from './arbitraries.js';

const set = (reps: number, weightKg: number | null = null): SetPrescription => ({ reps, repsMax: null, weightKg, restSeconds: 90 });
const exercise = (id: string, overrides: Partial<Exercise> = {}): Exercise => ({ id, name: id.toUpperCase(), notes: null, sets: [set(5)], ...overrides });
const workout = (id: string, exercises: readonly Exercise[] = []): Workout => ({ id, name: id.toUpperCase(), exercises });

const a = workout('a', [exercise('a1'), exercise('a2'), exercise('a3')]);
const b = workout('b', [exercise('b1')]);
const c = workout('c');
const base: ProgramContent = {
  workouts: [a, b, c],
  schedule: [
    { dayOfWeek: 0, workoutIndex: 0 },
    { dayOfWeek: 2, workoutIndex: 1 },
    { dayOfWeek: 4, workoutIndex: 2 },
  ],
};

const nothing: VersionChanges = {
  renamed: null,
  workoutsAdded: [],
  workoutsRemoved: [],
  workoutsRenamed: [],
  workoutsMoved: [],
  exercisesAdded: [],
  exercisesRemoved: [],
  exercisesRenamed: [],
  exercisesMoved: [],
  notesChanged: [],
  setsChanged: [],
  scheduleChanged: null,
  unchanged: true,
};
const only = (changes: Partial<VersionChanges>): VersionChanges => ({ ...nothing, ...changes, unchanged: false });

const withWorkouts = (content: ProgramContent, workouts: readonly Workout[]): ProgramContent => ({ ...content, workouts });
/** Reorders workouts (`order[i]` = old index of the new i-th) and repoints the schedule, so it names the same workouts. */
function reorder(content: ProgramContent, order: readonly number[]): ProgramContent {
  return {
    workouts: order.map((old) => content.workouts[old] ?? fail(`no workout ${old}`)),
    schedule: content.schedule.map((e) => ({ ...e, workoutIndex: order.indexOf(e.workoutIndex) })),
  };
}
function fail(message: string): never {
  throw new Error(message);
}

describe('diffVersions examples', () => {
  it('reports nothing for identical content and equal or missing names', () => {
    expect(diffVersions(base, base)).toEqual(nothing);
    expect(diffVersions(base, base, 'Push', 'Push')).toEqual(nothing);
    expect(diffVersions(base, base, 'Push')).toEqual(nothing);
  });

  it('reports a program rename only when both names are given and differ', () => {
    expect(diffVersions(base, base, 'Push', 'Push day')).toEqual(only({ renamed: { from: 'Push', to: 'Push day' } }));
  });

  it('reports added, removed and renamed workouts with their positions', () => {
    const after = { workouts: [{ ...a, name: 'Legs' }, b, workout('d')], schedule: base.schedule.slice(0, 2) };
    expect(diffVersions(base, after)).toEqual(
      only({
        workoutsAdded: [{ workoutId: 'd', name: 'D', position: 2 }],
        workoutsRemoved: [{ workoutId: 'c', name: 'C', position: 2 }],
        workoutsRenamed: [{ workoutId: 'a', from: 'A', to: 'Legs' }],
        scheduleChanged: {
          before: [
            { dayOfWeek: 0, workoutId: 'a' },
            { dayOfWeek: 2, workoutId: 'b' },
            { dayOfWeek: 4, workoutId: 'c' },
          ],
          after: [
            { dayOfWeek: 0, workoutId: 'a' },
            { dayOfWeek: 2, workoutId: 'b' },
          ],
        },
      }),
    );
  });

  it('does not mark the other workouts as moved when one is inserted at the front', () => {
    const after = { workouts: [workout('new'), ...base.workouts], schedule: base.schedule.map((e) => ({ ...e, workoutIndex: e.workoutIndex + 1 })) };
    expect(diffVersions(base, after)).toEqual(only({ workoutsAdded: [{ workoutId: 'new', name: 'NEW', position: 0 }] }));
  });

  it('reports one move for a workout taken from the end to the front, and a schedule that follows it is unchanged', () => {
    expect(diffVersions(base, reorder(base, [2, 0, 1]))).toEqual(only({ workoutsMoved: [{ workoutId: 'c', from: 2, to: 0 }] }));
  });

  it('reports added, removed, renamed, noted and re-set exercises', () => {
    const after = withWorkouts(base, [
      workout('a', [exercise('a1', { name: 'Squat' }), exercise('a2', { notes: 'pause' }), exercise('a3', { sets: [set(5), set(5, 100)] })]),
      workout('b', [exercise('b2'), exercise('b3')]),
      c,
    ]);
    expect(diffVersions(base, after)).toEqual(
      only({
        exercisesAdded: [
          { exerciseId: 'b2', workoutId: 'b', name: 'B2', position: 0 },
          { exerciseId: 'b3', workoutId: 'b', name: 'B3', position: 1 },
        ],
        exercisesRemoved: [{ exerciseId: 'b1', workoutId: 'b', name: 'B1', position: 0 }],
        exercisesRenamed: [{ exerciseId: 'a1', from: 'A1', to: 'Squat' }],
        notesChanged: [{ exerciseId: 'a2', from: null, to: 'pause' }],
        setsChanged: [{ exerciseId: 'a3', before: [set(5)], after: [set(5), set(5, 100)] }],
      }),
    );
  });

  it('reports an exercise moved to another workout, and none of the exercises it leaves behind', () => {
    const after = withWorkouts(base, [workout('a', [exercise('a2'), exercise('a3')]), workout('b', [exercise('b1'), exercise('a1')]), c]);
    expect(diffVersions(base, after)).toEqual(only({ exercisesMoved: [{ exerciseId: 'a1', fromWorkoutId: 'a', toWorkoutId: 'b', from: 0, to: 1 }] }));
  });

  it('reports one move for an exercise reordered within its workout', () => {
    const after = withWorkouts(base, [workout('a', [exercise('a3'), exercise('a1'), exercise('a2')]), b, c]);
    expect(diffVersions(base, after)).toEqual(only({ exercisesMoved: [{ exerciseId: 'a3', fromWorkoutId: 'a', toWorkoutId: 'a', from: 2, to: 0 }] }));
  });

  it('compares the schedule as a set of (day, workout id) pairs', () => {
    expect(diffVersions(base, { ...base, schedule: [...base.schedule].reverse() })).toEqual(nothing);
    const moved = { ...base, schedule: [{ dayOfWeek: 1, workoutIndex: 0 }, ...base.schedule.slice(1)] };
    expect(diffVersions(base, moved).scheduleChanged).toEqual({
      before: [
        { dayOfWeek: 0, workoutId: 'a' },
        { dayOfWeek: 2, workoutId: 'b' },
        { dayOfWeek: 4, workoutId: 'c' },
      ],
      after: [
        { dayOfWeek: 1, workoutId: 'a' },
        { dayOfWeek: 2, workoutId: 'b' },
        { dayOfWeek: 4, workoutId: 'c' },
      ],
    });
  });

  it('fails loudly on a schedule entry that points at no workout', () => {
    expect(() => diffVersions(base, { ...base, schedule: [{ dayOfWeek: 0, workoutIndex: 7 }] })).toThrow(/workout 7/);
  });
});

/**
 * A child version of `parent`: a shuffled subset of its workouts (some
 * renamed), its exercises kept, dropped, edited and scattered over the new
 * workouts, new workouts and exercises from `extra`, and a fresh schedule.
 */
function child(parent: ProgramContent, extra: ProgramContent, g: fc.GeneratorValue): ProgramContent {
  const oldWorkoutIds = new Set(parent.workouts.map((w) => w.id));
  const oldExerciseIds = new Set(parent.workouts.flatMap((w) => w.exercises.map((e) => e.id)));
  const kept = g(() => fc.shuffledSubarray([...parent.workouts])).map((w) => (g(() => fc.boolean()) ? { ...w, name: g(() => nameArb) } : w));
  const shells = [...kept, ...extra.workouts.filter((w) => !oldWorkoutIds.has(w.id))];
  const edit = (e: Exercise): Exercise => ({
    ...e,
    name: g(() => fc.boolean()) ? g(() => nameArb) : e.name,
    notes: g(() => fc.boolean()) ? g(() => fc.option(fc.string({ maxLength: 5 }), { nil: null })) : e.notes,
    sets: g(() => fc.boolean()) ? e.sets.slice(1) : e.sets,
  });
  const pool = [
    ...g(() => fc.shuffledSubarray(parent.workouts.flatMap((w) => w.exercises))).map(edit),
    ...extra.workouts.flatMap((w) => w.exercises).filter((e) => !oldExerciseIds.has(e.id)),
  ];
  const home = pool.map(() => (shells.length === 0 ? -1 : g(() => fc.nat({ max: shells.length - 1 }))));
  return {
    workouts: shells.map((w, i) => ({ ...w, exercises: pool.filter((_, j) => home[j] === i) })),
    schedule: g(() => scheduleArb(shells.length)),
  };
}
const pairArb = fc.tuple(programContentArb(), programContentArb(), fc.gen()).map(([parent, extra, g]) => [parent, child(parent, extra, g)] as const);

const workoutIds = (c: ProgramContent) => c.workouts.map((w) => w.id);
const exerciseIds = (c: ProgramContent) => c.workouts.flatMap((w) => w.exercises.map((e) => e.id));
const minus = (xs: readonly string[], ys: readonly string[]) => xs.filter((x) => !ys.includes(x));
const sorted = <T>(xs: readonly T[]) => [...xs].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
/** Length of a longest increasing subsequence, the slow obvious way. */
function lisLength(xs: readonly number[]): number {
  const best: number[] = [];
  xs.forEach((x, i) => (best[i] = 1 + Math.max(0, ...xs.slice(0, i).flatMap((y, j) => (y < x ? [best[j] ?? 0] : [])))));
  return Math.max(0, ...best);
}

describe('diffVersions properties', () => {
  it('finds nothing between a version and itself', () => {
    fc.assert(fc.property(programContentArb(), nameArb, (p, name) => expect(diffVersions(p, p, name, name)).toEqual(nothing)));
  });

  it('reports as added exactly the ids only in the child, and as removed those only in the parent, in order', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const d = diffVersions(a, b);
        expect(d.workoutsAdded.map((w) => w.workoutId)).toEqual(minus(workoutIds(b), workoutIds(a)));
        expect(d.workoutsRemoved.map((w) => w.workoutId)).toEqual(minus(workoutIds(a), workoutIds(b)));
        expect(d.exercisesAdded.map((e) => e.exerciseId)).toEqual(minus(exerciseIds(b), exerciseIds(a)));
        expect(d.exercisesRemoved.map((e) => e.exerciseId)).toEqual(minus(exerciseIds(a), exerciseIds(b)));
      }),
    );
  });

  it('is antisymmetric: swapping the versions swaps added with removed and from with to', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const ab = diffVersions(a, b, 'x', 'y');
        const ba = diffVersions(b, a, 'y', 'x');
        expect(sorted(ab.workoutsAdded)).toEqual(sorted(ba.workoutsRemoved));
        expect(sorted(ab.exercisesAdded)).toEqual(sorted(ba.exercisesRemoved));
        expect(ba.renamed).toEqual({ from: 'y', to: 'x' });
        expect(sorted(ab.workoutsRenamed)).toEqual(sorted(ba.workoutsRenamed.map(({ workoutId, from, to }) => ({ workoutId, from: to, to: from }))));
        expect(sorted(ab.exercisesRenamed)).toEqual(sorted(ba.exercisesRenamed.map(({ exerciseId, from, to }) => ({ exerciseId, from: to, to: from }))));
        expect(sorted(ab.notesChanged)).toEqual(sorted(ba.notesChanged.map(({ exerciseId, from, to }) => ({ exerciseId, from: to, to: from }))));
        expect(sorted(ab.setsChanged)).toEqual(sorted(ba.setsChanged.map(({ exerciseId, before, after }) => ({ exerciseId, before: after, after: before }))));
        expect(ab.scheduleChanged).toEqual(ba.scheduleChanged && { before: ba.scheduleChanged.after, after: ba.scheduleChanged.before });
        // A permutation and its inverse have equally long increasing subsequences.
        expect(ab.workoutsMoved.length).toBe(ba.workoutsMoved.length);
        expect(ab.exercisesMoved.length).toBe(ba.exercisesMoved.length);
      }),
    );
  });

  it('reports a minimal set of moved workouts, whose positions are right, leaving the rest in their old relative order', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const moves = diffVersions(a, b).workoutsMoved;
        const common = workoutIds(b).filter((id) => workoutIds(a).includes(id));
        expect(moves.length).toBe(common.length - lisLength(common.map((id) => workoutIds(a).indexOf(id))));
        moves.forEach((m) => expect([a.workouts[m.from]?.id, b.workouts[m.to]?.id]).toEqual([m.workoutId, m.workoutId]));
        const stayed = (c: ProgramContent) => workoutIds(c).filter((id) => common.includes(id) && !moves.some((m) => m.workoutId === id));
        expect(stayed(b)).toEqual(stayed(a));
      }),
    );
  });

  it('reports every exercise that changed workout as moved, and a minimal set of those reordered within one', () => {
    const place = (c: ProgramContent) => new Map(c.workouts.flatMap((w) => w.exercises.map((e, position) => [e.id, { workoutId: w.id, position }] as const)));
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const moves = diffVersions(a, b).exercisesMoved;
        const was = place(a);
        const now = place(b);
        moves.forEach((m) => {
          expect(was.get(m.exerciseId)).toEqual({ workoutId: m.fromWorkoutId, position: m.from });
          expect(now.get(m.exerciseId)).toEqual({ workoutId: m.toWorkoutId, position: m.to });
        });
        const crossed = exerciseIds(b).filter((id) => was.has(id) && was.get(id)?.workoutId !== now.get(id)?.workoutId);
        expect(moves.filter((m) => m.fromWorkoutId !== m.toWorkoutId).map((m) => m.exerciseId)).toEqual(crossed);
        const within = b.workouts.reduce((n, w) => {
          const stayed = w.exercises.flatMap((e) => (was.get(e.id)?.workoutId === w.id ? [was.get(e.id)?.position ?? -1] : []));
          return n + stayed.length - lisLength(stayed);
        }, 0);
        expect(moves.length - crossed.length).toBe(within);
      }),
    );
  });

  it('is unchanged exactly when it lists nothing, and survives a JSON round trip', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const d = diffVersions(a, b);
        const { unchanged, ...rest } = d;
        expect(unchanged).toBe(Object.values(rest).every((v) => v === null || (Array.isArray(v) && v.length === 0)));
        expect(JSON.parse(JSON.stringify(d))).toEqual(d);
      }),
    );
  });

  it('reports renaming one workout as exactly that', () => {
    const arb = programContentArb({ minWorkouts: 1 }).chain((p) => fc.tuple(fc.constant(p), fc.nat({ max: p.workouts.length - 1 }), nameArb));
    fc.assert(
      fc.property(arb, ([p, i, name]) => {
        const target = p.workouts[i] ?? fail('no workout');
        fc.pre(target.name !== name);
        const after = withWorkouts(p, p.workouts.map((w, j) => (j === i ? { ...w, name } : w)));
        expect(diffVersions(p, after)).toEqual(only({ workoutsRenamed: [{ workoutId: target.id, from: target.name, to: name }] }));
      }),
    );
  });

  it('reports a workout inserted at the front as added, and nothing as moved', () => {
    fc.assert(
      fc.property(programContentArb(), (p) => {
        // Longer than any generated id, so fresh.
        const fresh = workout('a-workout-id-no-generator-makes');
        const after = { workouts: [fresh, ...p.workouts], schedule: p.schedule.map((e) => ({ ...e, workoutIndex: e.workoutIndex + 1 })) };
        expect(diffVersions(p, after)).toEqual(only({ workoutsAdded: [{ workoutId: fresh.id, name: fresh.name, position: 0 }] }));
      }),
    );
  });

  it('reports swapping two neighbouring workouts as one move, and two distant ones as two', () => {
    const arb = programContentArb({ minWorkouts: 2 }).chain((p) => fc.tuple(fc.constant(p), fc.nat({ max: p.workouts.length - 2 }), fc.nat({ max: p.workouts.length - 1 })));
    fc.assert(
      fc.property(arb, ([p, i, k]) => {
        const j = Math.max(i + 1, k);
        const order = p.workouts.map((_, n) => (n === i ? j : n === j ? i : n));
        const d = diffVersions(p, reorder(p, order));
        expect(d).toEqual(only({ workoutsMoved: d.workoutsMoved }));
        expect(d.workoutsMoved.length).toBe(j === i + 1 ? 1 : 2);
      }),
    );
  });
});
