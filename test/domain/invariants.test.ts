import { checkProgram, PROGRAM_LIMITS } from '../../src/domain/invariants.js';
import type { ProgramContent, ProgramDraft, SetPrescription } from '../../src/domain/program.js';

const set = (overrides: Partial<SetPrescription> = {}): SetPrescription => ({ reps: 8, repsMax: 10, weightKg: 60, restSeconds: 90, ...overrides });

const program: ProgramContent = {
  workouts: [
    { id: 'w1', name: 'Upper', exercises: [{ id: 'e1', name: 'Bench', notes: null, sets: [set(), set()] }] },
    { id: 'w2', name: 'Lower', exercises: [{ id: 'e2', name: 'Squat', notes: 'low bar', sets: [set({ repsMax: null, weightKg: null })] }] },
  ],
  schedule: [
    { dayOfWeek: 0, workoutIndex: 0 },
    { dayOfWeek: 3, workoutIndex: 1 },
  ],
};

const violations = (name: string, content: ProgramDraft | ProgramContent) => checkProgram({ name, content }).map((v) => `${v.path} ${v.code}`);

describe('checkProgram', () => {
  it('accepts a sound program', () => {
    expect(checkProgram({ name: 'PPL', content: program })).toEqual([]);
  });

  it('accepts an empty program', () => {
    expect(checkProgram({ name: 'Blank', content: { workouts: [], schedule: [] } })).toEqual([]);
  });

  it('reports every violation, not only the first, each with a message', () => {
    const broken: ProgramContent = {
      workouts: [
        { id: 'w1', name: ' ', exercises: [{ id: 'e1', name: 'Bench', notes: null, sets: [set({ reps: 0 }), set({ weightKg: -5, restSeconds: 4000 })] }] },
        { id: 'w1', name: 'Lower', exercises: [{ id: 'e1', name: 'Squat', notes: null, sets: [] }] },
      ],
      schedule: [
        { dayOfWeek: 7, workoutIndex: 0 },
        { dayOfWeek: 1, workoutIndex: 2 },
        { dayOfWeek: 1, workoutIndex: 1 },
        { dayOfWeek: 1, workoutIndex: 1 },
      ],
    };
    const result = checkProgram({ name: '', content: broken });
    expect(result.map((v) => `${v.path} ${v.code}`)).toEqual([
      'name NAME_EMPTY',
      'workouts.0.name NAME_EMPTY',
      'workouts.0.exercises.0.sets.0.reps REPS_TOO_LOW',
      'workouts.0.exercises.0.sets.1.weightKg WEIGHT_NEGATIVE',
      'workouts.0.exercises.0.sets.1.restSeconds REST_OUT_OF_RANGE',
      'workouts.1.id DUPLICATE_WORKOUT_ID',
      'workouts.1.exercises.0.id DUPLICATE_EXERCISE_ID',
      'workouts.1.exercises.0.sets NO_SETS',
      'schedule.0.dayOfWeek DAY_OUT_OF_RANGE',
      'schedule.1.workoutIndex WORKOUT_INDEX_OUT_OF_RANGE',
      'schedule.3 DUPLICATE_SCHEDULE_ENTRY',
    ]);
    for (const v of result) expect(v.message.length).toBeGreaterThan(5);
  });

  it('allows different workouts on one day, but not the same workout twice', () => {
    const schedule = [
      { dayOfWeek: 2, workoutIndex: 0 },
      { dayOfWeek: 2, workoutIndex: 1 },
    ];
    expect(violations('P', { ...program, schedule })).toEqual([]);
    expect(violations('P', { ...program, schedule: [...schedule, { dayOfWeek: 2, workoutIndex: 0 }] })).toEqual(['schedule.2 DUPLICATE_SCHEDULE_ENTRY']);
  });

  it('ignores absent ids on drafts', () => {
    const draft: ProgramDraft = {
      workouts: [
        { name: 'A', exercises: [{ name: 'Row', sets: [set()] }, { id: null, name: 'Curl', sets: [set()] }] },
        { id: '', name: 'B', exercises: [{ id: '', name: 'Dip', notes: undefined, sets: [set()] }] },
        { id: null, name: 'C', exercises: [] },
      ],
      schedule: [],
    };
    expect(violations('P', draft)).toEqual([]);
  });

  it('checks exercise ids across workouts, and keeps workout and exercise ids apart', () => {
    const content: ProgramContent = {
      workouts: [
        { id: 'x', name: 'A', exercises: [{ id: 'x', name: 'Row', notes: null, sets: [set()] }] },
        { id: 'y', name: 'B', exercises: [{ id: 'x', name: 'Dip', notes: null, sets: [set()] }] },
      ],
      schedule: [],
    };
    expect(violations('P', content)).toEqual(['workouts.1.exercises.0.id DUPLICATE_EXERCISE_ID']);
  });

  it('counts name length in characters, not UTF-16 units', () => {
    const muscle = '💪';
    expect(violations(muscle.repeat(PROGRAM_LIMITS.maxNameLength), program)).toEqual([]);
    expect(violations(muscle.repeat(PROGRAM_LIMITS.maxNameLength + 1), program)).toEqual(['name NAME_TOO_LONG']);
  });

  it.each<[Partial<SetPrescription>, string[]]>([
    [{ reps: 1, repsMax: 1 }, []],
    [{ reps: 1000, repsMax: null }, []],
    [{ weightKg: 0 }, []],
    [{ weightKg: 2000 }, []],
    [{ weightKg: 0.01 }, []],
    [{ restSeconds: 0 }, []],
    [{ restSeconds: 3600 }, []],
    [{ reps: Number.NaN }, ['reps NOT_AN_INTEGER']],
    [{ reps: 7.5, repsMax: 7 }, ['reps NOT_AN_INTEGER']],
    [{ reps: -1 }, ['reps REPS_TOO_LOW']],
    [{ reps: 1001, repsMax: 10 }, ['reps REPS_TOO_HIGH']],
    [{ reps: 10, repsMax: 9 }, ['repsMax REPS_MAX_BELOW_REPS']],
    [{ repsMax: 1001 }, ['repsMax REPS_TOO_HIGH']],
    [{ repsMax: Infinity }, ['repsMax NOT_AN_INTEGER']],
    [{ weightKg: Number.NaN }, ['weightKg NOT_A_FINITE_NUMBER']],
    [{ weightKg: -Infinity }, ['weightKg NOT_A_FINITE_NUMBER']],
    [{ weightKg: -0.5 }, ['weightKg WEIGHT_NEGATIVE']],
    [{ weightKg: 2000.01 }, ['weightKg WEIGHT_TOO_HIGH']],
    [{ restSeconds: 1.5 }, ['restSeconds NOT_AN_INTEGER']],
    [{ restSeconds: -1 }, ['restSeconds REST_OUT_OF_RANGE']],
    [{ restSeconds: 3601 }, ['restSeconds REST_OUT_OF_RANGE']],
  ])('checks set %j', (overrides, expected) => {
    const content: ProgramContent = { workouts: [{ id: 'w', name: 'A', exercises: [{ id: 'e', name: 'Row', notes: null, sets: [set(overrides)] }] }], schedule: [] };
    expect(violations('P', content)).toEqual(expected.map((v) => `workouts.0.exercises.0.sets.0.${v}`));
  });

  it('enforces the size limits', () => {
    const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
    const big: ProgramContent = {
      workouts: many(PROGRAM_LIMITS.maxWorkouts + 1, (w) => ({
        id: `w${w}`,
        name: 'W',
        exercises: w === 0 ? many(PROGRAM_LIMITS.maxExercisesPerWorkout + 1, (e) => ({ id: `e${e}`, name: 'E', notes: 'n'.repeat(PROGRAM_LIMITS.maxNotesLength + 1), sets: [set()] })) : [],
      })),
      schedule: many(PROGRAM_LIMITS.maxScheduleEntries + 1, (i) => ({ dayOfWeek: i % 7, workoutIndex: Math.floor(i / 7) })),
    };
    const found = violations('P', big);
    expect(found.filter((v) => !v.endsWith('NOTES_TOO_LONG'))).toEqual(['workouts TOO_MANY_WORKOUTS', 'workouts.0.exercises TOO_MANY_EXERCISES', 'schedule TOO_MANY_SCHEDULE_ENTRIES']);
    expect(found.filter((v) => v.endsWith('NOTES_TOO_LONG'))).toHaveLength(PROGRAM_LIMITS.maxExercisesPerWorkout + 1);
  });

  it('reports too many sets on the exercise', () => {
    const sets = Array.from({ length: PROGRAM_LIMITS.maxSetsPerExercise + 1 }, () => set());
    const content: ProgramContent = { workouts: [{ id: 'w', name: 'A', exercises: [{ id: 'e', name: 'Row', notes: null, sets }] }], schedule: [] };
    expect(violations('P', content)).toEqual(['workouts.0.exercises.0.sets TOO_MANY_SETS']);
  });

  it('checks schedule numbers without throwing on nonsense', () => {
    const schedule = [
      { dayOfWeek: Number.NaN, workoutIndex: 0 },
      { dayOfWeek: 1, workoutIndex: -1 },
      { dayOfWeek: -Infinity, workoutIndex: 0.5 },
    ];
    expect(violations('P', { ...program, schedule })).toEqual([
      'schedule.0.dayOfWeek NOT_AN_INTEGER',
      'schedule.1.workoutIndex WORKOUT_INDEX_OUT_OF_RANGE',
      'schedule.2.dayOfWeek NOT_AN_INTEGER',
      'schedule.2.workoutIndex NOT_AN_INTEGER',
    ]);
  });
});
