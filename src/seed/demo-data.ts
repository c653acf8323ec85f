/**
 * The demo data set `npm start` writes into an empty database: three users
 * whose legacy programs and ~4 months of logged history cover every blob
 * variant of docs/legacy-data.md — a Phase-1 blob (Alice), a pre-Phase-1 compact blob
 * with numeric and missing ids (Bob), a blob with a broken schedule plus a
 * soft-deleted program (Casey). Pure and deterministic: a seeded PRNG, no
 * clock, no I/O; the same `now` always yields the same rows.
 */

/** Fixed ids, so Sandbox users can act as them with an `x-user-id` header. */
export const DEMO_USERS = {
  alice: '11111111-1111-4111-8111-111111111111',
  bob: '22222222-2222-4222-8222-222222222222',
  casey: '33333333-3333-4333-8333-333333333333',
} as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rows use the legacy column names exactly; timestamps are ISO strings. */
export interface ProgramRow {
  id: string;
  user_id: string;
  name: string;
  is_active: boolean;
  program_json: Json;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface SessionRow {
  id: string;
  user_id: string;
  program_id: string | null;
  workout_id: string | null;
  workout_name_snapshot: string | null;
  started_at: string;
  completed_at: string | null;
  notes: string | null;
}

export interface SetRow {
  id: string;
  session_id: string;
  user_id: string;
  exercise_id: string | null;
  exercise_name: string;
  set_number: number;
  reps: number | null;
  weight_kg: number | null;
  rpe: number | null;
  completed_at: string;
}

export interface DemoData {
  programs: ProgramRow[];
  sessions: SessionRow[];
  sets: SetRow[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const HISTORY_WEEKS = 17;
/** Sessions logged before Phase 1 shipped carry no workout_name_snapshot. */
const PHASE1_DAYS_AGO = 63;
const SEED = 0x5eed_da7a;
const SESSION_NOTES = ['Felt strong today', 'Short on time, rushed the rests', 'Gym was packed', 'Slept badly', 'New belt!'];

/** mulberry32: tiny, fast and good enough for demo data. */
class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(min: number, max: number): number {
    return min + Math.floor((this.uint32() / 4_294_967_296) * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.uint32() / 4_294_967_296 < p;
  }
  /** Random-looking v4 UUID (version nibble 4, variant 8–b). */
  uuid(): string {
    const hex = Array.from({ length: 4 }, () => this.uint32().toString(16).padStart(8, '0')).join('');
    const variant = '89ab'.charAt(parseInt(hex.charAt(16), 16) & 3);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

/** `kg` is the starting working weight (null: bodyweight), raised by `kgPerWeek`. */
interface ExercisePlan {
  id: string | null; name: string; notes: string | null; sets: number; reps: number; repsMax: number | null;
  kg: number | null; kgPerWeek: number; restSeconds: number;
}
interface WorkoutPlan { id: string; name: string; exercises: ExercisePlan[] }
/** A program's content in neutral form, written out as one of the blob shapes. */
interface ProgramPlan { id: string; workouts: WorkoutPlan[]; days: Array<[dayOfWeek: number, workoutIndex: number]> }

type ExerciseSpec = [name: string, sets: number, reps: number, repsMax: number | null, kg: number | null, kgPerWeek: number, rest: number, notes?: string];
type WorkoutSpec = [name: string, exercises: ExerciseSpec[]];

/** `numeric` ids mimic pre-Phase-1 blobs: workouts 1, 2, 3 and exercises 1…n across the program. */
function plan(rng: SeededRandom, ids: 'uuid' | 'numeric', workouts: WorkoutSpec[], days: ProgramPlan['days']): ProgramPlan {
  let exerciseCount = 0;
  return {
    id: rng.uuid(),
    days,
    workouts: workouts.map(([name, exercises], w) => ({
      id: ids === 'uuid' ? rng.uuid() : String(w + 1),
      name,
      exercises: exercises.map(([exName, sets, reps, repsMax, kg, kgPerWeek, restSeconds, notes]) => ({
        id: ids === 'uuid' ? rng.uuid() : String(++exerciseCount),
        name: exName, sets, reps, repsMax, kg, kgPerWeek, restSeconds, notes: notes ?? null,
      })),
    })),
  };
}

/** The Phase 1 blob: prescribed sets as objects, schedule as an array. */
function phase1Blob(p: ProgramPlan): { [key: string]: Json } {
  const workouts = p.workouts.map((w) => ({
    id: w.id,
    name: w.name,
    exercises: w.exercises.map((e) => ({
      id: e.id,
      name: e.name,
      ...(e.notes === null ? {} : { notes: e.notes }),
      sets: Array.from({ length: e.sets }, () => ({
        reps: e.reps,
        ...(e.repsMax === null ? {} : { repsMax: e.repsMax }),
        ...(e.kg === null ? {} : { weightKg: e.kg }),
        restSeconds: e.restSeconds,
      })),
    })),
  }));
  return { workouts, schedule: p.days.map(([dayOfWeek, workoutIndex]) => ({ dayOfWeek, workoutIndex })) };
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** The pre-Phase-1 blob: numeric ids, compact exercises, schedule keyed by day name. */
function compactBlob(p: ProgramPlan): { [key: string]: Json } {
  const workouts = p.workouts.map((w) => ({
    id: Number(w.id),
    name: w.name,
    exercises: w.exercises.map((e, i) => ({
      ...(e.id === null ? {} : { id: Number(e.id) }),
      name: e.name,
      sets: e.sets,
      reps: e.repsMax === null ? e.reps : `${e.reps}-${e.repsMax}`,
      ...(e.kg === null ? {} : { weight: e.kg }),
      // Both rest notations occur in production.
      rest: i % 2 === 0 ? `${Math.floor(e.restSeconds / 60)}:${String(e.restSeconds % 60).padStart(2, '0')}` : e.restSeconds,
    })),
  }));
  return { workouts, schedule: Object.fromEntries(p.days.map(([day, index]) => [DAY_NAMES[day] ?? 'monday', index])) };
}

const roundTo = (value: number, step: number): number => Math.round(value / step) * step;

const iso = (ms: number): string => new Date(ms).toISOString();

interface SessionContext {
  userId: string;
  programId: string;
  workout: WorkoutPlan;
  startedAt: number;
  weeksIn: number;
  phase1At: number;
  /** Set for the in-progress session: sets are logged only up to this instant. */
  inProgressUntil?: number;
}

function logSession(rng: SeededRandom, data: DemoData, ctx: SessionContext): void {
  const sessionId = rng.uuid();
  let clock = ctx.startedAt + rng.int(3, 8) * MINUTE; // warm-up
  for (const exercise of ctx.workout.exercises) {
    clock += rng.int(2, 5) * MINUTE; // setting up
    const kg = exercise.kg === null ? null : roundTo(exercise.kg + exercise.kgPerWeek * ctx.weeksIn, 2.5);
    for (let setNumber = 1; setNumber <= exercise.sets; setNumber++) {
      if (setNumber > 1) clock += (exercise.restSeconds + rng.int(60, 150)) * 1000; // rest + the set itself
      if (ctx.inProgressUntil !== undefined && clock > ctx.inProgressUntil) break;
      const range = (exercise.repsMax ?? exercise.reps) - exercise.reps;
      const tired = setNumber === exercise.sets && rng.chance(0.3);
      const reps = tired ? Math.max(1, exercise.reps - 1) : exercise.reps + rng.int(0, range);
      const rpe = Math.min(9.5, Math.max(6.5, 7 + (setNumber - 1) * 0.5 + rng.int(-1, 1) * 0.5 + (tired ? 1 : 0)));
      data.sets.push({
        id: rng.uuid(), session_id: sessionId, user_id: ctx.userId,
        exercise_id: exercise.id, exercise_name: exercise.name,
        set_number: setNumber, reps, weight_kg: kg, rpe, completed_at: iso(clock),
      });
    }
  }
  const inProgress = ctx.inProgressUntil !== undefined;
  data.sessions.push({
    id: sessionId,
    user_id: ctx.userId,
    program_id: ctx.programId,
    workout_id: ctx.workout.id,
    workout_name_snapshot: ctx.startedAt >= ctx.phase1At ? ctx.workout.name : null,
    started_at: iso(ctx.startedAt),
    completed_at: inProgress ? null : iso(clock + rng.int(2, 6) * MINUTE),
    notes: !inProgress && rng.chance(0.08) ? SESSION_NOTES[rng.int(0, SESSION_NOTES.length - 1)] ?? null : null,
  });
}

/** A stretch of days [from, to) during which a user trained on one program. */
interface Phase { plan: ProgramPlan; from: number; to: number }
interface Athlete { userId: string; startMinuteUtc: number; skipChance: number; phases: Phase[] }

/** Logs one session per scheduled day (skipping some); returns the last workout index trained. */
function logHistory(rng: SeededRandom, data: DemoData, athlete: Athlete, phase1At: number): number {
  let lastWorkout = -1;
  for (const { plan: p, from, to } of athlete.phases) {
    for (let day = from; day < to; day += DAY) {
      const dayOfWeek = (new Date(day).getUTCDay() + 6) % 7;
      for (const [scheduledDay, workoutIndex] of p.days) {
        const workout = p.workouts[workoutIndex];
        if (scheduledDay !== dayOfWeek || workout === undefined || rng.chance(athlete.skipChance)) continue;
        const startedAt = day + (athlete.startMinuteUtc + rng.int(0, 40)) * MINUTE;
        const weeksIn = Math.floor((day - from) / WEEK);
        logSession(rng, data, { userId: athlete.userId, programId: p.id, workout, startedAt, weeksIn, phase1At });
        lastWorkout = workoutIndex;
      }
    }
  }
  return lastWorkout;
}

const ALICE_OLD: WorkoutSpec[] = [
  ['Full Body A', [['Squat', 3, 5, null, 60, 2, 180], ['Bench Press', 3, 5, null, 42.5, 1.25, 150], ['Barbell Row', 3, 5, null, 40, 1.25, 120]]],
  ['Full Body B', [['Squat', 3, 5, null, 60, 2, 180], ['Overhead Press', 3, 5, null, 27.5, 1, 150], ['Deadlift', 3, 5, null, 80, 2.5, 180]]],
];
const ALICE_UPPER_LOWER: WorkoutSpec[] = [
  ['Upper A', [['Bench Press', 4, 6, 8, 52.5, 0.6, 180, 'Pause the first rep'], ['Barbell Row', 4, 8, 10, 47.5, 0.5, 120], ['Overhead Press', 3, 8, 10, 32.5, 0.3, 120], ['Pull-up', 3, 6, 10, null, 0, 120], ['Dumbbell Curl', 3, 10, 12, 10, 0.1, 60]]],
  ['Lower A', [['Squat', 4, 5, 6, 80, 1, 180], ['Romanian Deadlift', 3, 8, 10, 70, 0.8, 150], ['Leg Press', 3, 10, 12, 140, 1.5, 120], ['Standing Calf Raise', 4, 12, 15, 50, 0.5, 60]]],
  ['Upper B', [['Incline Dumbbell Press', 4, 8, 10, 22, 0.2, 120], ['Lat Pulldown', 4, 10, 12, 50, 0.4, 90], ['Seated Dumbbell Shoulder Press', 3, 10, 12, 16, 0.15, 90], ['Chest-Supported Row', 3, 10, 12, 27.5, 0.3, 90], ['Triceps Pushdown', 3, 12, 15, 22.5, 0.2, 60]]],
  ['Lower B', [['Deadlift', 3, 5, null, 110, 1.2, 180, 'Reset every rep'], ['Front Squat', 3, 6, 8, 57.5, 0.6, 150], ['Walking Lunge', 3, 10, 12, 16, 0.15, 90], ['Lying Leg Curl', 3, 10, 12, 35, 0.3, 60], ['Hanging Leg Raise', 3, 10, 15, null, 0, 60]]],
];
const BOB_PPL: WorkoutSpec[] = [
  ['Push', [['Bench Press', 3, 8, 10, 60, 0.5, 90], ['Overhead Press', 3, 8, null, 40, 0.3, 90], ['Incline Dumbbell Press', 3, 10, 12, 22, 0.2, 90], ['Lateral Raise', 3, 12, 15, 8, 0.05, 60], ['Triceps Pushdown', 3, 10, 12, 25, 0.2, 60]]],
  ['Pull', [['Deadlift', 3, 5, null, 110, 1, 180], ['Barbell Row', 3, 8, 10, 55, 0.4, 120], ['Pull-up', 3, 6, 8, null, 0, 120], ['Face Pull', 3, 15, null, 20, 0.1, 60], ['Hammer Curl', 3, 10, 12, 14, 0.1, 60]]],
  ['Legs', [['Squat', 4, 6, 8, 85, 0.8, 180], ['Leg Press', 3, 10, 12, 140, 1.5, 120], ['Romanian Deadlift', 3, 8, 10, 70, 0.6, 120], ['Leg Extension', 3, 12, 15, 45, 0.3, 60]]],
];
const CASEY_STRENGTH: WorkoutSpec[] = [
  ['Squat Day', [['Squat', 4, 5, null, 70, 0.8, 180], ['Pause Squat', 3, 3, 5, 55, 0.5, 150], ['Bulgarian Split Squat', 3, 8, 10, 14, 0.15, 90], ['Leg Curl', 3, 10, 12, 30, 0.25, 60]]],
  ['Bench Day', [['Bench Press', 4, 5, null, 45, 0.4, 180], ['Close-Grip Bench Press', 3, 6, 8, 37.5, 0.3, 120], ['Dumbbell Row', 3, 8, 10, 22, 0.2, 90], ['Lateral Raise', 3, 12, 15, 6, 0.05, 60]]],
  ['Deadlift Day', [['Deadlift', 3, 5, null, 90, 1, 180], ['Overhead Press', 3, 6, 8, 30, 0.25, 120], ['Chin-up', 3, 5, 8, null, 0, 120], ['Hip Thrust', 3, 8, 10, 80, 1, 90]]],
];
const CASEY_CUT: WorkoutSpec[] = [
  ['Circuit', [['Kettlebell Swing', 3, 15, 20, 16, 0, 45], ['Goblet Squat', 3, 12, 15, 20, 0, 45], ['Push-up', 3, 10, 15, null, 0, 45], ['Dumbbell Row', 3, 12, null, 18, 0, 45]]],
];

export function buildDemoData(now: Date): DemoData {
  const rng = new SeededRandom(SEED);
  const nowMs = now.getTime();
  const today = Math.floor(nowMs / DAY) * DAY;
  const historyStart = today - HISTORY_WEEKS * WEEK;
  const aliceSwitch = today - 15 * WEEK;
  const phase1At = today - PHASE1_DAYS_AGO * DAY;
  const at = (weeksAgo: number, hourUtc = 20): string => iso(today - weeksAgo * WEEK + hourUtc * 3_600_000);

  const aliceOld = plan(rng, 'uuid', ALICE_OLD, [[0, 0], [2, 1], [4, 0]]);
  const alice = plan(rng, 'uuid', ALICE_UPPER_LOWER, [[0, 0], [1, 1], [3, 2], [4, 3]]);
  const bob = plan(rng, 'numeric', BOB_PPL, [[0, 0], [2, 1], [4, 2]]);
  // Hand-added in the old editor, which wrote no id.
  for (const exercise of bob.workouts.flatMap((w) => w.exercises)) if (exercise.name === 'Lateral Raise') exercise.id = null;
  const casey = plan(rng, 'uuid', CASEY_STRENGTH, [[0, 0], [2, 1], [4, 2]]);
  const caseyCut = plan(rng, 'uuid', CASEY_CUT, [[1, 0], [3, 0]]);
  const caseyBlob = phase1Blob(casey);
  // Pre-Phase-1 damage: Saturday's "Arms" workout (index 3) was deleted without
  // fixing the schedule, and an old editor bug left a null entry.
  caseyBlob.schedule = [...(caseyBlob.schedule as Json[]), { dayOfWeek: 5, workoutIndex: 3 }, null];

  const program = (id: string, userId: string, name: string, blob: Json, active: boolean, created: string, updated: string, deleted: string | null = null): ProgramRow =>
    ({ id, user_id: userId, name, is_active: active, program_json: blob, created_at: created, updated_at: updated, deleted_at: deleted });
  const data: DemoData = {
    programs: [
      program(aliceOld.id, DEMO_USERS.alice, 'Beginner Full Body', phase1Blob(aliceOld), false, at(30), iso(aliceSwitch)),
      program(alice.id, DEMO_USERS.alice, 'Upper/Lower 4-Day', phase1Blob(alice), true, iso(aliceSwitch), at(3)),
      program(bob.id, DEMO_USERS.bob, 'Push Pull Legs', compactBlob(bob), true, at(40), at(30)),
      program(casey.id, DEMO_USERS.casey, 'Strength 3-Day', caseyBlob, true, at(35), at(25)),
      program(caseyCut.id, DEMO_USERS.casey, 'Summer Cut Circuit', phase1Blob(caseyCut), false, at(12), at(11), at(11)),
    ],
    sessions: [],
    sets: [],
  };

  const lastAliceWorkout = logHistory(rng, data, {
    userId: DEMO_USERS.alice, startMinuteUtc: 6 * 60 + 30, skipChance: 0.08,
    phases: [{ plan: aliceOld, from: historyStart, to: aliceSwitch }, { plan: alice, from: aliceSwitch, to: today }],
  }, phase1At);
  logHistory(rng, data, { userId: DEMO_USERS.bob, startMinuteUtc: 17 * 60 + 30, skipChance: 0.1, phases: [{ plan: bob, from: historyStart, to: today }] }, phase1At);
  logHistory(rng, data, { userId: DEMO_USERS.casey, startMinuteUtc: 11 * 60 + 45, skipChance: 0.1, phases: [{ plan: casey, from: historyStart, to: today }] }, phase1At);

  // Alice is mid-workout right now: the next workout of her rotation, half logged.
  const nextWorkout = alice.workouts[(lastAliceWorkout + 1) % alice.workouts.length] as WorkoutPlan;
  const startedAt = nowMs - 35 * MINUTE;
  logSession(rng, data, {
    userId: DEMO_USERS.alice, programId: alice.id, workout: nextWorkout, startedAt,
    weeksIn: Math.floor((today - aliceSwitch) / WEEK), phase1At, inProgressUntil: nowMs,
  });

  const order = (s: SessionRow): string => `${s.started_at}|${s.id}`;
  data.sessions.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const position = new Map(data.sessions.map((s, i) => [s.id, i]));
  data.sets.sort((a, b) => (position.get(a.session_id) ?? 0) - (position.get(b.session_id) ?? 0));
  return data;
}
