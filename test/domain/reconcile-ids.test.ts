import { reconcileIds } from '../../src/domain/reconcile-ids.js';
import type { Exercise, ProgramContent, ProgramDraft, SetPrescription } from '../../src/domain/program.js';
import { freshIds, stripExercise, stripWorkout } from './draft-transforms.js';

const sets = (reps: number): SetPrescription[] => [{ reps, repsMax: null, weightKg: 50, restSeconds: 90 }];
const ex = (id: string, name: string, reps = 5): Exercise => ({ id, name, notes: null, sets: sets(reps) });

const stored: ProgramContent = {
  workouts: [
    { id: 'W-upper', name: 'Upper', exercises: [ex('E-bench', 'Bench'), ex('E-row', 'Row')] },
    { id: 'W-lower', name: 'Lower', exercises: [ex('E-squat', 'Squat'), ex('E-rdl', 'RDL')] },
    { id: 'W-arms', name: 'Arms', exercises: [ex('E-curl', 'Curl')] },
  ],
  schedule: [
    { dayOfWeek: 0, workoutIndex: 0 },
    { dayOfWeek: 2, workoutIndex: 1 },
  ],
};

const idsOf = (content: ProgramContent) => content.workouts.map((w) => [w.id, ...w.exercises.map((e) => e.id)]);

describe('reconcileIds', () => {
  it('returns stored content unchanged when nothing changed, without asking for ids', () => {
    let calls = 0;
    expect(reconcileIds(stored, stored, () => `unexpected-${calls++}`)).toEqual(stored);
    expect(calls).toBe(0);
  });

  it('gives reordered workouts and exercises without ids their stored ids', () => {
    const [upper, lower, arms] = stored.workouts;
    const draft: ProgramDraft = {
      workouts: [arms!, lower!, upper!].map((w) => ({ ...stripWorkout(w), exercises: [...w.exercises].reverse().map(stripExercise) })),
      schedule: [{ dayOfWeek: 0, workoutIndex: 2 }],
    };
    const result = reconcileIds(stored, draft, freshIds());
    expect(idsOf(result)).toEqual([
      ['W-arms', 'E-curl'],
      ['W-lower', 'E-rdl', 'E-squat'],
      ['W-upper', 'E-row', 'E-bench'],
    ]);
    expect(result.schedule).toEqual(draft.schedule);
  });

  it('does not keep unknown incoming ids: the server assigns ids', () => {
    const draft: ProgramDraft = { workouts: [{ id: 'client-made', name: 'New', exercises: [{ id: 'client-ex', name: 'Dip', sets: sets(8) }] }], schedule: [] };
    expect(idsOf(reconcileIds(stored, draft, freshIds()))).toEqual([['generated-id-0', 'generated-id-1']]);
  });

  it('lets content win over an id that names another stored item (positional ids after a reorder)', () => {
    const [upper, lower] = stored.workouts;
    const draft: ProgramDraft = { workouts: [{ ...lower!, id: 'W-upper' }, { ...upper!, id: 'W-lower' }], schedule: [] };
    expect(reconcileIds(stored, draft, freshIds()).workouts.map((w) => w.id)).toEqual(['W-lower', 'W-upper']);
  });

  it('keeps the id of an edited workout that brings its id', () => {
    const draft: ProgramDraft = { workouts: [{ id: 'W-lower', name: 'Legs', exercises: [] }], schedule: [] };
    expect(reconcileIds(stored, draft, freshIds()).workouts[0]?.id).toBe('W-lower');
  });

  it('keeps ids of an edited workout without ids when its name is unambiguous', () => {
    const draft: ProgramDraft = {
      workouts: [{ name: ' upper ', exercises: [{ name: 'Bench', sets: sets(3) }, { name: 'ROW', sets: sets(12) }, { name: 'Fly', sets: sets(10) }] }],
      schedule: [],
    };
    expect(idsOf(reconcileIds(stored, draft, freshIds()))).toEqual([['W-upper', 'E-bench', 'E-row', 'generated-id-0']]);
  });

  it('keeps the id of a renamed workout whose exercises are the same', () => {
    const [upper] = stored.workouts;
    const draft: ProgramDraft = { workouts: [{ name: 'Push', exercises: upper!.exercises.map(stripExercise) }], schedule: [] };
    expect(reconcileIds(stored, draft, freshIds()).workouts[0]?.id).toBe('W-upper');
  });

  it('keeps the id of an exercise moved to another workout', () => {
    const [upper, lower] = stored.workouts;
    const draft: ProgramDraft = {
      workouts: [
        { ...upper!, exercises: [upper!.exercises[0]!].map(stripExercise) },
        { ...lower!, exercises: [...lower!.exercises, { ...upper!.exercises[1]!, sets: sets(10) }].map(stripExercise) },
      ],
      schedule: [],
    };
    expect(idsOf(reconcileIds(stored, draft, freshIds()))).toEqual([
      ['W-upper', 'E-bench'],
      ['W-lower', 'E-squat', 'E-rdl', 'E-row'],
    ]);
  });

  it('tells exercises moved together apart by their content when their names are alike', () => {
    const planks: ProgramContent = {
      workouts: [
        { id: 'W1', name: 'Core', exercises: [ex('p-short', 'Plank', 3), ex('p-long', 'Plank', 6)] },
        { id: 'W2', name: 'Pull', exercises: [ex('row', 'Row')] },
      ],
      schedule: [],
    };
    const draft: ProgramDraft = {
      workouts: [
        { name: 'Core', exercises: [] },
        { name: 'Pull', exercises: [ex('', 'Row'), ex('', 'Plank', 6), ex('', 'Plank', 3)] },
      ],
      schedule: [],
    };
    expect(idsOf(reconcileIds(planks, draft, freshIds()))).toEqual([['W1'], ['W2', 'row', 'p-long', 'p-short']]);
  });

  it('keeps the ids the client sent for identical workouts it reordered', () => {
    const twins: ProgramContent = {
      workouts: [
        { id: 'A', name: 'Same', exercises: [ex('a1', 'Squat')] },
        { id: 'B', name: 'Same', exercises: [ex('b1', 'Squat')] },
      ],
      schedule: [],
    };
    const [a, b] = twins.workouts;
    expect(idsOf(reconcileIds(twins, { workouts: [b!, a!], schedule: [] }, freshIds()))).toEqual([
      ['B', 'b1'],
      ['A', 'a1'],
    ]);
  });

  it('keeps the ids the client sent for identical exercises it reordered', () => {
    const content: ProgramContent = { workouts: [{ id: 'W', name: 'Core', exercises: [ex('plank-1', 'Plank'), ex('plank-2', 'Plank')] }], schedule: [] };
    const draft: ProgramDraft = { workouts: [{ ...content.workouts[0]!, exercises: [...content.workouts[0]!.exercises].reverse() }], schedule: [] };
    expect(idsOf(reconcileIds(content, draft, freshIds()))).toEqual([['W', 'plank-2', 'plank-1']]);
  });

  it('keeps the id of a renamed and edited exercise that brings its id', () => {
    const [upper] = stored.workouts;
    const draft: ProgramDraft = {
      workouts: [{ ...upper!, exercises: [{ id: 'E-bench', name: 'Incline bench', sets: sets(12) }, upper!.exercises[1]!] }],
      schedule: [],
    };
    expect(idsOf(reconcileIds(stored, draft, freshIds()))).toEqual([['W-upper', 'E-bench', 'E-row']]);
  });

  it('keeps identical exercises in their own workouts when workouts are reordered without ids', () => {
    const content: ProgramContent = {
      workouts: [
        { id: 'W1', name: 'Push', exercises: [ex('plank-1', 'Plank')] },
        { id: 'W2', name: 'Pull', exercises: [ex('plank-2', 'Plank')] },
      ],
      schedule: [],
    };
    const [push, pull] = content.workouts;
    const draft: ProgramDraft = { workouts: [pull!, push!].map(stripWorkout), schedule: [] };
    expect(idsOf(reconcileIds(content, draft, freshIds()))).toEqual([
      ['W2', 'plank-2'],
      ['W1', 'plank-1'],
    ]);
  });

  it('keeps the ids of edited exercises whose name recurs in another workout', () => {
    const content: ProgramContent = {
      workouts: [
        { id: 'W1', name: 'Heavy', exercises: [ex('squat-heavy', 'Squat', 3)] },
        { id: 'W2', name: 'Light', exercises: [ex('squat-light', 'Squat', 10)] },
      ],
      schedule: [],
    };
    const draft: ProgramDraft = {
      workouts: [
        { name: 'Heavy', exercises: [{ name: 'Squat', sets: sets(2) }] },
        { name: 'Light', exercises: [{ name: 'Squat', sets: sets(12) }] },
      ],
      schedule: [],
    };
    expect(idsOf(reconcileIds(content, draft, freshIds()))).toEqual([
      ['W1', 'squat-heavy'],
      ['W2', 'squat-light'],
    ]);
  });

  it('gives fresh ids when a name match would be a guess', () => {
    const twins: ProgramContent = {
      workouts: [
        { id: 'A', name: 'Full body', exercises: [ex('a1', 'Squat')] },
        { id: 'B', name: 'Full body', exercises: [ex('b1', 'Squat')] },
      ],
      schedule: [],
    };
    const draft: ProgramDraft = { workouts: [{ name: 'Full body', exercises: [{ name: 'Squat', sets: sets(9) }] }], schedule: [] };
    expect(idsOf(reconcileIds(twins, draft, freshIds()))).toEqual([['generated-id-0', 'generated-id-1']]);
  });

  it('pairs identical workouts in order', () => {
    const twins: ProgramContent = {
      workouts: [
        { id: 'A', name: 'Same', exercises: [] },
        { id: 'B', name: 'Same', exercises: [] },
      ],
      schedule: [],
    };
    const draft: ProgramDraft = { workouts: twins.workouts.map(stripWorkout), schedule: [] };
    expect(reconcileIds(twins, draft, freshIds()).workouts.map((w) => w.id)).toEqual(['A', 'B']);
  });

  it('never hands out an id a stored item had, nor one twice', () => {
    const replies = ['W-upper', 'E-curl', 'n1', 'n1', 'n2'];
    const newId = () => replies.shift() ?? 'exhausted';
    const draft: ProgramDraft = { workouts: [{ name: 'X', exercises: [] }, { name: 'Y', exercises: [] }], schedule: [] };
    expect(reconcileIds(stored, draft, newId).workouts.map((w) => w.id)).toEqual(['n1', 'n2']);
  });

  it('fails loudly when the id generator only returns ids in use', () => {
    const draft: ProgramDraft = { workouts: [{ name: 'X', exercises: [] }], schedule: [] };
    expect(() => reconcileIds(stored, draft, () => 'W-upper')).toThrow(/newId/);
  });

  it('fills absent notes and optional set values with null', () => {
    const draft: ProgramDraft = { workouts: [{ name: 'New', exercises: [{ name: 'Dip', sets: [{ reps: 5, restSeconds: 60 } as SetPrescription] }] }], schedule: [] };
    expect(reconcileIds({ workouts: [], schedule: [] }, draft, freshIds()).workouts[0]?.exercises[0]).toEqual({
      id: 'generated-id-1',
      name: 'Dip',
      notes: null,
      sets: [{ reps: 5, repsMax: null, weightKg: null, restSeconds: 60 }],
    });
  });
});
