import { readLegacyBlob, writeLegacyBlob, type BlobIssueCode, type LegacyBlobResult } from '../../src/domain/legacy-blob.js';
import { DEFAULT_REST_SECONDS } from '../../src/domain/legacy-set.js';
import type { ProgramContent } from '../../src/domain/program.js';

const P = 'prog-1';

function readOk(blob: unknown): { content: ProgramContent; codes: [string, BlobIssueCode][] } {
  const result = readLegacyBlob(P, blob);
  if (!result.ok) throw new Error(`expected a readable blob, got ${JSON.stringify(result.issues)}`);
  return { content: result.content, codes: codes(result) };
}

function codes(result: LegacyBlobResult): [string, BlobIssueCode][] {
  return result.issues.map((issue) => [issue.path, issue.code]);
}

const set = (reps: number, restSeconds = 90) => ({ reps, restSeconds });
const exercise = (id: unknown, name: string, sets: unknown[] = [set(5)]) => ({ id, name, sets });
const workout = (id: unknown, name: string, exercises: unknown[] = []) => ({ id, name, exercises });

describe('readLegacyBlob: the Phase 1 shape', () => {
  it('reads a blob as written today, with no issues', () => {
    const blob = {
      workouts: [
        { id: 'w1', name: 'Upper A', exercises: [{ id: 'e1', name: 'Bench Press', notes: 'pause', sets: [{ reps: 8, repsMax: 10, weightKg: 60, restSeconds: 120 }] }] },
        { id: 'w2', name: 'Lower A', exercises: [{ id: 'e2', name: 'Squat', sets: [{ reps: 5, restSeconds: 180 }] }] },
      ],
      schedule: [{ dayOfWeek: 0, workoutIndex: 0 }, { dayOfWeek: 3, workoutIndex: 1 }],
    };
    expect(readLegacyBlob(P, blob)).toEqual({
      ok: true,
      issues: [],
      content: {
        workouts: [
          { id: 'w1', name: 'Upper A', exercises: [{ id: 'e1', name: 'Bench Press', notes: 'pause', sets: [{ reps: 8, repsMax: 10, weightKg: 60, restSeconds: 120 }] }] },
          { id: 'w2', name: 'Lower A', exercises: [{ id: 'e2', name: 'Squat', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: null, restSeconds: 180 }] }] },
        ],
        schedule: [{ dayOfWeek: 0, workoutIndex: 0 }, { dayOfWeek: 3, workoutIndex: 1 }],
      },
    });
  });

  it('ignores unknown keys anywhere', () => {
    const blob = {
      version: 3,
      workouts: [{ id: 'w', name: 'A', color: 'red', exercises: [{ id: 'e', name: 'Row', video: 'x', sets: [{ reps: 5, restSeconds: 60, tempo: '3-1-1' }] }] }],
      schedule: [{ dayOfWeek: 1, workoutIndex: 0, note: 'gym' }],
    };
    const { content, codes } = readOk(blob);
    expect(codes).toEqual([]);
    expect(content.workouts[0]?.exercises[0]?.sets).toEqual([{ reps: 5, repsMax: null, weightKg: null, restSeconds: 60 }]);
  });

  it('reads an empty workouts array as an empty program, with or without a schedule', () => {
    expect(readLegacyBlob(P, { workouts: [] })).toEqual({ ok: true, content: { workouts: [], schedule: [] }, issues: [] });
    expect(readLegacyBlob(P, { workouts: [], schedule: null })).toEqual({ ok: true, content: { workouts: [], schedule: [] }, issues: [] });
  });
});

describe('readLegacyBlob: blobs that are not a program', () => {
  it.each([[{}], [[]], ['a string'], [42], [null], [undefined], [{ workouts: 'x' }], [{ workouts: null }], [{ schedule: [] }], [{ workouts: { 0: {} } }]])(
    '%j is unreadable as a whole',
    (blob) => {
      const result = readLegacyBlob(P, blob);
      expect(result.ok).toBe(false);
      expect(codes(result)).toEqual([['', 'NOT_A_PROGRAM']]);
      expect(result.issues[0]?.message).toMatch(/workouts/);
    },
  );
});

describe('readLegacyBlob: ids', () => {
  it('turns numeric ids into strings', () => {
    const { content, codes } = readOk({ workouts: [workout(1, 'A', [exercise(7, 'Row')])] });
    expect(codes).toEqual([]);
    expect(content.workouts[0]?.id).toBe('1');
    expect(content.workouts[0]?.exercises[0]?.id).toBe('7');
  });

  it('derives ids for missing, empty and non-text ids from the program id and blob position', () => {
    const { content, codes } = readOk({
      workouts: [workout(undefined, 'A', [exercise('', 'Row'), exercise({ x: 1 }, 'Curl')]), workout(null, 'B')],
    });
    expect(content.workouts.map((w) => w.id)).toEqual([`${P}/w0`, `${P}/w1`]);
    expect(content.workouts[0]?.exercises.map((e) => e.id)).toEqual([`${P}/w0/e0`, `${P}/w0/e1`]);
    expect(codes).toEqual([
      ['workouts.0.id', 'MISSING_ID'],
      ['workouts.0.exercises.0.id', 'MISSING_ID'],
      ['workouts.0.exercises.1.id', 'MISSING_ID'],
      ['workouts.1.id', 'MISSING_ID'],
    ]);
  });

  it('replaces every occurrence of a shared workout id, and keeps the others', () => {
    const { content, codes } = readOk({ workouts: [workout('a', 'A'), workout('b', 'B'), workout('a', 'C'), workout(1, 'D'), workout('1', 'E')] });
    expect(content.workouts.map((w) => w.id)).toEqual([`${P}/w0`, 'b', `${P}/w2`, `${P}/w3`, `${P}/w4`]);
    expect(codes.map(([path, code]) => `${path} ${code}`)).toEqual([
      'workouts.0.id DUPLICATE_ID',
      'workouts.2.id DUPLICATE_ID',
      'workouts.3.id DUPLICATE_ID',
      'workouts.4.id DUPLICATE_ID',
    ]);
  });

  it('checks exercise ids across the whole program, not per workout', () => {
    const { content, codes } = readOk({
      workouts: [workout('w1', 'A', [exercise('e1', 'Row'), exercise('e2', 'Curl')]), workout('w2', 'B', [exercise('e1', 'Squat')])],
    });
    expect(content.workouts.flatMap((w) => w.exercises.map((e) => e.id))).toEqual([`${P}/w0/e0`, 'e2', `${P}/w1/e0`]);
    expect(codes).toEqual([
      ['workouts.0.exercises.0.id', 'DUPLICATE_ID'],
      ['workouts.1.exercises.0.id', 'DUPLICATE_ID'],
    ]);
  });

  it('lets workouts and exercises share an id: they are different namespaces', () => {
    const { content, codes } = readOk({ workouts: [workout('x', 'A', [exercise('x', 'Row')])] });
    expect(codes).toEqual([]);
    expect(content.workouts[0]?.id).toBe('x');
    expect(content.workouts[0]?.exercises[0]?.id).toBe('x');
  });

  it('keeps a derived id unique when an explicit id already looks like it', () => {
    const { content } = readOk({ workouts: [workout(`${P}/w1`, 'A'), workout(undefined, 'B'), workout(`${P}/w1~2`, 'C')] });
    expect(content.workouts.map((w) => w.id)).toEqual([`${P}/w1`, `${P}/w1~3`, `${P}/w1~2`]);
  });

  it('derives ids from blob positions, so they do not move when an earlier workout is unreadable', () => {
    const { content } = readOk({ workouts: ['garbage', workout(undefined, 'B', [exercise(undefined, 'Row')])] });
    expect(content.workouts[0]?.id).toBe(`${P}/w1`);
    expect(content.workouts[0]?.exercises[0]?.id).toBe(`${P}/w1/e0`);
  });
});

describe('readLegacyBlob: compact exercises', () => {
  it('expands a set count into that many identical sets', () => {
    const { content, codes } = readOk({ workouts: [workout('w', 'A', [{ id: 'e', name: 'Bench', sets: 3, reps: '8-10', weight: 60, rest: '1:30' }])] });
    expect(codes).toEqual([]);
    expect(content.workouts[0]?.exercises[0]?.sets).toEqual(Array(3).fill({ reps: 8, repsMax: 10, weightKg: 60, restSeconds: 90 }));
  });

  it('accepts numbers written as strings, and defaults a missing rest', () => {
    const { content, codes } = readOk({ workouts: [workout('w', 'A', [{ id: 'e', name: 'Row', sets: '2', reps: 8, weight: '62.5' }])] });
    expect(content.workouts[0]?.exercises[0]?.sets).toEqual(Array(2).fill({ reps: 8, repsMax: null, weightKg: 62.5, restSeconds: DEFAULT_REST_SECONDS }));
    expect(codes).toEqual([['workouts.0.exercises.0.rest', 'REST_DEFAULTED']]);
  });

  it('drops a compact exercise whose reps cannot be read, or whose count is absurd', () => {
    const { content, codes } = readOk({
      workouts: [
        workout('w', 'A', [
          { id: 'e1', name: 'Row', sets: 3, reps: 'lots', rest: 60 },
          { id: 'e2', name: 'Curl', sets: 1_000_000, reps: 8, rest: 60 },
          { id: 'e3', name: 'Dip', sets: 0, reps: 8, rest: 60 },
          { id: 'e4', name: 'Pull-up', sets: 2, reps: 5, rest: 60 },
        ]),
      ],
    });
    expect(content.workouts[0]?.exercises.map((e) => e.id)).toEqual(['e4']);
    expect(codes).toEqual([
      ['workouts.0.exercises.0', 'EXERCISE_UNREADABLE'],
      ['workouts.0.exercises.1', 'EXERCISE_UNREADABLE'],
      ['workouts.0.exercises.2', 'EXERCISE_WITHOUT_SETS'],
    ]);
  });
});

describe('readLegacyBlob: partly broken blobs', () => {
  it('drops what it cannot read and keeps the rest', () => {
    const { content, codes } = readOk({
      workouts: [
        workout('w1', 'A', [exercise('e1', 'Row', [set(5), { reps: 'x', restSeconds: 60 }, null, set(3)]), exercise('e2', 'Curl', [{ reps: 0, restSeconds: 1 }]), 'oops']),
        { id: 'w2', exercises: [] },
        { id: 'w3', name: 'C' },
      ],
    });
    expect(content.workouts).toEqual([
      { id: 'w1', name: 'A', exercises: [{ id: 'e1', name: 'Row', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: null, restSeconds: 90 }, { reps: 3, repsMax: null, weightKg: null, restSeconds: 90 }] }] },
      { id: 'w3', name: 'C', exercises: [] },
    ]);
    expect(codes).toEqual([
      ['workouts.0.exercises.0.sets.1', 'SET_UNREADABLE'],
      ['workouts.0.exercises.0.sets.2', 'SET_UNREADABLE'],
      ['workouts.0.exercises.1.sets.0', 'SET_UNREADABLE'],
      ['workouts.0.exercises.1', 'EXERCISE_WITHOUT_SETS'],
      ['workouts.0.exercises.2', 'EXERCISE_UNREADABLE'],
      ['workouts.1', 'WORKOUT_UNREADABLE'],
      ['workouts.2.exercises', 'EXERCISES_MISSING'],
    ]);
  });

  it('keeps a set whose optional values are nonsense, without them', () => {
    const { content, codes } = readOk({
      workouts: [workout('w', 'A', [exercise('e', 'Row', [{ reps: 10, repsMax: 8, weightKg: -20, restSeconds: 'soon' }, { reps: 5, repsMax: 'x', weightKg: 5000, restSeconds: 10_000 }])])],
    });
    expect(content.workouts[0]?.exercises[0]?.sets).toEqual([
      { reps: 10, repsMax: null, weightKg: null, restSeconds: DEFAULT_REST_SECONDS },
      { reps: 5, repsMax: null, weightKg: null, restSeconds: DEFAULT_REST_SECONDS },
    ]);
    expect(codes.map(([, code]) => code)).toEqual(['REPS_MAX_DROPPED', 'WEIGHT_DROPPED', 'REST_DEFAULTED', 'REPS_MAX_DROPPED', 'WEIGHT_DROPPED', 'REST_DEFAULTED']);
    expect(codes[1]?.[0]).toBe('workouts.0.exercises.0.sets.0.weightKg');
  });

  it('keeps an exercise whose notes are not text, without them', () => {
    const { content, codes } = readOk({ workouts: [workout('w', 'A', [{ ...exercise('e', 'Row'), notes: 12 }])] });
    expect(content.workouts[0]?.exercises[0]?.notes).toBeNull();
    expect(codes).toEqual([['workouts.0.exercises.0.notes', 'NOTES_DROPPED']]);
  });

  it('keeps schedule entries on their workout when an earlier workout is dropped', () => {
    const { content, codes } = readOk({
      workouts: [workout('a', 'A'), 'unreadable', workout('c', 'C'), workout('d', 'D')],
      schedule: [
        { dayOfWeek: 0, workoutIndex: 0 },
        { dayOfWeek: 1, workoutIndex: 1 },
        { dayOfWeek: 2, workoutIndex: 2 },
        { dayOfWeek: 4, workoutIndex: 3 },
        { dayOfWeek: 5, workoutIndex: 4 },
      ],
    });
    expect(content.workouts.map((w) => w.id)).toEqual(['a', 'c', 'd']);
    expect(content.schedule).toEqual([
      { dayOfWeek: 0, workoutIndex: 0 },
      { dayOfWeek: 2, workoutIndex: 1 },
      { dayOfWeek: 4, workoutIndex: 2 },
    ]);
    expect(codes).toEqual([
      ['workouts.1', 'WORKOUT_UNREADABLE'],
      ['schedule.1', 'SCHEDULE_WORKOUT_DROPPED'],
      ['schedule.4', 'SCHEDULE_INDEX_OUT_OF_RANGE'],
    ]);
  });
});

describe('writeLegacyBlob', () => {
  it('writes the Phase 1 shape and leaves out null optional values', () => {
    const content: ProgramContent = {
      workouts: [
        {
          id: 'w',
          name: 'A',
          exercises: [
            { id: 'e1', name: 'Row', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: null, restSeconds: 60 }] },
            { id: 'e2', name: 'Curl', notes: '', sets: [{ reps: 8, repsMax: 12, weightKg: 0, restSeconds: 0 }] },
          ],
        },
      ],
      schedule: [{ dayOfWeek: 6, workoutIndex: 0 }],
    };
    expect(writeLegacyBlob(content)).toEqual({
      workouts: [
        {
          id: 'w',
          name: 'A',
          exercises: [
            { id: 'e1', name: 'Row', sets: [{ reps: 5, restSeconds: 60 }] },
            { id: 'e2', name: 'Curl', notes: '', sets: [{ reps: 8, repsMax: 12, weightKg: 0, restSeconds: 0 }] },
          ],
        },
      ],
      schedule: [{ dayOfWeek: 6, workoutIndex: 0 }],
    });
    expect(JSON.stringify(writeLegacyBlob(content))).not.toContain('null');
  });
});
