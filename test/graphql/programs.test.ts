import { CREATE_PROGRAM, DELETE_WORKOUT, MODIFY_PROGRAM, ACTIVATE_PROGRAM, upperLower, PROGRAM_FIELDS } from '../support/fixtures.js';
import { ok, OTHER_USER, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

async function create(input = upperLower()) {
  return ok(await t.gql(CREATE_PROGRAM, { input })).createProgram;
}

async function programJson(id: string): Promise<unknown> {
  const { rows } = await t.db.sql.query('select program_json from programs where id = $1', [id]);
  return rows[0]?.program_json;
}

describe('createProgram', () => {
  it('creates a program with fresh unique ids and writes the Phase 1 blob shape', async () => {
    const program = await create();
    expect(program.name).toBe('Upper/Lower');
    expect(program.isActive).toBe(false);
    const ids = program.workouts.flatMap((w: any) => [w.id, ...w.exercises.map((e: any) => e.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(program.schedule.map((s: any) => [s.dayOfWeek, s.workout.name])).toEqual([
      [0, 'Upper A'],
      [1, 'Lower A'],
      [3, 'Upper A'],
      [4, 'Lower A'],
    ]);
    const blob = (await programJson(program.id)) as any;
    expect(blob.workouts[0].id).toBe(program.workouts[0].id);
    expect(blob.workouts[0].exercises[0]).toMatchObject({ name: 'Bench Press', notes: 'pause on chest', sets: [{ reps: 8, repsMax: 10, weightKg: 60, restSeconds: 120 }, expect.anything(), expect.anything()] });
    expect(blob.schedule).toEqual([
      { dayOfWeek: 0, workoutIndex: 0 },
      { dayOfWeek: 1, workoutIndex: 1 },
      { dayOfWeek: 3, workoutIndex: 0 },
      { dayOfWeek: 4, workoutIndex: 1 },
    ]);
  });

  it('refuses an invalid program listing every violation, and writes nothing', async () => {
    const before = await t.db.sql.query('select count(*)::int as n from programs');
    const input = upperLower('   ');
    input.workouts[0]!.exercises[0]!.sets = [];
    input.workouts[1]!.exercises[0]!.sets[0] = { reps: 0, repsMax: null, weightKg: -5, restSeconds: 4000 };
    input.schedule.push({ dayOfWeek: 9, workoutIndex: 7 });
    const response = await t.gql(CREATE_PROGRAM, { input });
    expect(response.data).toBeNull();
    expect(response.errors).toHaveLength(1);
    const error = response.errors![0]!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const paths = error.extensions!.violations.map((v: any) => v.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'workouts.0.exercises.0.sets',
        'workouts.1.exercises.0.sets.0.reps',
        'workouts.1.exercises.0.sets.0.weightKg',
        'workouts.1.exercises.0.sets.0.restSeconds',
        'schedule.4.dayOfWeek',
        'schedule.4.workoutIndex',
      ]),
    );
    for (const v of error.extensions!.violations) expect(v).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
    const after = await t.db.sql.query('select count(*)::int as n from programs');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses oversized programs before touching the database', async () => {
    const input = upperLower();
    input.workouts = Array.from({ length: 200 }, (_, i) => ({ name: `W${i}`, exercises: [{ name: 'X', sets: [{ reps: 5, restSeconds: 60 }] as any }] }));
    input.schedule = [];
    const response = await t.gql(CREATE_PROGRAM, { input });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.violations.map((v: any) => v.code)).toContain('TOO_MANY_WORKOUTS');
  });
});

describe('modifyProgram keeps stable ids', () => {
  it('keeps every unchanged workout and exercise id when an AI edit regenerates ids and reorders workouts', async () => {
    const program = await create();
    const edited = upperLower();
    // The AI returns the program with new random ids, workouts swapped, and one new exercise.
    const [upper, lower] = edited.workouts;
    edited.workouts = [
      { ...lower!, id: 'ai-1', exercises: lower!.exercises.map((e, i) => ({ ...e, id: `ai-ex-${i}` })) } as any,
      { ...upper!, id: 'ai-2', exercises: [...upper!.exercises, { name: 'Face Pull', sets: [{ reps: 15, restSeconds: 60 }] }] } as any,
    ];
    edited.schedule = [{ dayOfWeek: 0, workoutIndex: 1 }, { dayOfWeek: 1, workoutIndex: 0 }];
    const after = ok(await t.gql(MODIFY_PROGRAM, { id: program.id, input: edited, source: 'AI' })).modifyProgram;
    const idOf = (p: any, workout: string) => p.workouts.find((w: any) => w.name === workout).id;
    expect(idOf(after, 'Upper A')).toBe(idOf(program, 'Upper A'));
    expect(idOf(after, 'Lower A')).toBe(idOf(program, 'Lower A'));
    const exerciseIds = (p: any) => Object.fromEntries(p.workouts.flatMap((w: any) => w.exercises.map((e: any) => [e.name, e.id])));
    const before = exerciseIds(program);
    const now = exerciseIds(after);
    for (const name of ['Bench Press', 'Barbell Row', 'Back Squat', 'Romanian Deadlift']) expect(now[name]).toBe(before[name]);
    expect(Object.values(before)).not.toContain(now['Face Pull']);
    expect(after.schedule.map((s: any) => [s.dayOfWeek, s.workout.name])).toEqual([[0, 'Upper A'], [1, 'Lower A']]);
  });

  it('keeps the id of a renamed workout when the match is unambiguous', async () => {
    const program = await create();
    const edited = upperLower();
    edited.workouts[0]!.name = 'Upper Strength';
    const after = ok(await t.gql(MODIFY_PROGRAM, { id: program.id, input: edited })).modifyProgram;
    expect(after.workouts[0].id).toBe(program.workouts[0].id);
    expect(after.workouts[0].name).toBe('Upper Strength');
  });

  it('refuses an invalid edit and leaves the stored blob byte-identical', async () => {
    const program = await create();
    const before = await programJson(program.id);
    const edited = upperLower();
    edited.schedule = [{ dayOfWeek: 2, workoutIndex: 5 }];
    const response = await t.gql(MODIFY_PROGRAM, { id: program.id, input: edited });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await programJson(program.id)).toEqual(before);
  });
});

describe('deleteWorkout repairs the schedule', () => {
  it('drops the entries of the deleted workout and re-points the others in the same write', async () => {
    const input = upperLower();
    input.workouts.splice(1, 0, { name: 'Arms', exercises: [{ name: 'Curl', sets: [{ reps: 12, restSeconds: 60 }] as any }] });
    input.schedule = [
      { dayOfWeek: 0, workoutIndex: 0 },
      { dayOfWeek: 2, workoutIndex: 1 },
      { dayOfWeek: 4, workoutIndex: 2 },
    ];
    const program = await create(input);
    const arms = program.workouts[1];
    const after = ok(await t.gql(DELETE_WORKOUT, { programId: program.id, workoutId: arms.id })).deleteWorkout;
    expect(after.workouts.map((w: any) => w.name)).toEqual(['Upper A', 'Lower A']);
    expect(after.schedule.map((s: any) => [s.dayOfWeek, s.workout.id])).toEqual([
      [0, program.workouts[0].id],
      [4, program.workouts[2].id],
    ]);
    const blob = (await programJson(program.id)) as any;
    expect(blob.schedule).toEqual([{ dayOfWeek: 0, workoutIndex: 0 }, { dayOfWeek: 4, workoutIndex: 1 }]);
  });

  it('is NOT_FOUND for an unknown workout and writes nothing', async () => {
    const program = await create();
    const before = await programJson(program.id);
    const response = await t.gql(DELETE_WORKOUT, { programId: program.id, workoutId: 'nope' });
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await programJson(program.id)).toEqual(before);
  });
});

describe('activateProgram', () => {
  it('leaves exactly one active program per user', async () => {
    const a = await create();
    const b = await create();
    ok(await t.gql(ACTIVATE_PROGRAM, { id: a.id }));
    ok(await t.gql(ACTIVATE_PROGRAM, { id: b.id }));
    const active = ok(await t.gql(`{ activeProgram { id } programs { id isActive } }`));
    expect(active.activeProgram.id).toBe(b.id);
    expect(active.programs.filter((p: any) => p.isActive).map((p: any) => p.id)).toEqual([b.id]);
  });

  it('serialises concurrent activations: one active program afterwards', async () => {
    const programs = await Promise.all(Array.from({ length: 6 }, () => create()));
    const results = await Promise.all(programs.map((p: any) => t.gql(ACTIVATE_PROGRAM, { id: p.id })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const { rows } = await t.db.sql.query('select count(*)::int as n from programs where user_id = $1 and is_active', [
      'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    ]);
    expect(rows[0].n).toBe(1);
  });
});

describe('isolation', () => {
  it("treats another user's program as not found, for reads and every program mutation", async () => {
    const mine = await create();
    const read = await t.gql(`query ($id: ID!) { program(id: $id) { id } }`, { id: mine.id }, OTHER_USER);
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = await t.gql(`query ($id: ID!) { program(id: $id) { id } }`, { id: '00000000-0000-4000-8000-000000000000' }, OTHER_USER);
    expect(unknown.errors?.[0]?.message.replace('00000000-0000-4000-8000-000000000000', mine.id)).toBe(read.errors?.[0]?.message);
    const before = await programJson(mine.id);
    for (const [query, variables] of [
      [MODIFY_PROGRAM, { id: mine.id, input: upperLower('stolen') }],
      [DELETE_WORKOUT, { programId: mine.id, workoutId: mine.workouts[0].id }],
      [ACTIVATE_PROGRAM, { id: mine.id }],
    ] as const) {
      const response = await t.gql(query, variables, OTHER_USER);
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    expect(await programJson(mine.id)).toEqual(before);
    expect(ok(await t.gql(`{ programs { id } }`, {}, OTHER_USER)).programs).toEqual([]);
    const entity = await t.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Program { id } ... on User { programs { id } } } }`,
      { reps: [{ __typename: 'Program', id: mine.id }] },
      OTHER_USER,
    );
    expect(entity.data?._entities).toEqual([null]);
    const user = await t.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { programs { id } } } }`,
      { reps: [{ __typename: 'User', id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' }] },
      OTHER_USER,
    );
    expect(user.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects malformed ids with BAD_USER_INPUT and anonymous callers with UNAUTHENTICATED', async () => {
    const malformed = await t.gql(`{ program(id: "not-a-uuid") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const anonymous = await t.gql(`{ programs { id } }`, {}, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('reading partly broken legacy blobs', () => {
  it('shows what is readable and never a schedule entry that points nowhere', async () => {
    const id = '0b0b0b0b-0000-4000-8000-000000000001';
    await t.db.sql.query(`insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'Old', false, $3)`, [
      id,
      'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      JSON.stringify({
        workouts: [
          { id: 1, name: 'A', exercises: [{ name: 'Squat', sets: 3, reps: '5-8', weight: 100, rest: '2:00' }] },
          { name: 'B', exercises: 'garbage' },
          { id: 3, name: 'C', exercises: [{ id: 'x', name: 'Press', sets: [{ reps: 5, restSeconds: 90 }] }] },
        ],
        schedule: { monday: 0, wednesday: 1, friday: 2, sunday: 9 },
      }),
    ]);
    const program = ok(await t.gql(`query ($id: ID!) { program(id: $id) { ${PROGRAM_FIELDS} } }`, { id })).program;
    const names = program.workouts.map((w: any) => w.name);
    const workoutIds = new Set(program.workouts.map((w: any) => w.id));
    for (const entry of program.schedule) expect(workoutIds.has(entry.workout.id)).toBe(true);
    expect(names).toContain('A');
    expect(names).toContain('C');
    const a = program.workouts.find((w: any) => w.name === 'A');
    expect(a.exercises[0].sets).toEqual([
      { reps: 5, repsMax: 8, weightKg: 100, restSeconds: 120 },
      { reps: 5, repsMax: 8, weightKg: 100, restSeconds: 120 },
      { reps: 5, repsMax: 8, weightKg: 100, restSeconds: 120 },
    ]);
  });

  it('lists a program whose blob is unreadable, with what can be read', async () => {
    const id = '0b0b0b0b-0000-4000-8000-000000000002';
    await t.db.sql.query(`insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'Broken', false, '[]')`, [
      id,
      'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    ]);
    const { programs } = ok(await t.gql(`{ programs { id name workouts { id } schedule { dayOfWeek } } }`));
    expect(programs.find((p: any) => p.id === id)).toEqual({ id, name: 'Broken', workouts: [], schedule: [] });
  });
});
