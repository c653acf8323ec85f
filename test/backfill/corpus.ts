import { createHash } from 'node:crypto';
import fc from 'fast-check';

/*
 * Random legacy corpora for the backfill tests: programs, sessions and sets as
 * production holds them before Phase 3 (docs/legacy-data.md). Blobs mix the Phase 1
 * shape, every older shape (numeric, missing and repeated ids, compact sets,
 * schedules as day maps, out-of-range and null schedule entries, unreadable
 * workouts and exercises) and blobs that are no program at all. Sessions and
 * sets point at workouts and exercises every way history does: by a live id,
 * by an id that is gone while the name survives, at deleted workouts, at ids a
 * blob repeats, with a NULL name snapshot, without a program.
 *
 * Ids are derived from a salt and a counter (never drawn as uuids), so a
 * shrunk counterexample cannot collide on a primary key.
 */

export interface LegacyProgram {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly blob: unknown;
  readonly createdAt: string;
  readonly deletedAt: string | null;
  /** How the blob was built: `unreadable` blobs are no program at all. */
  readonly shape: 'phase1' | 'older' | 'unreadable';
}

export interface LegacySession {
  readonly id: string;
  readonly userId: string;
  readonly programId: string | null;
  readonly workoutId: string | null;
  readonly workoutNameSnapshot: string | null;
  readonly startedAt: string;
  readonly completedAt: string | null;
  readonly notes: string | null;
}

export interface LegacySet {
  readonly id: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly exerciseId: string | null;
  readonly exerciseName: string;
  readonly setNumber: number;
  readonly reps: number | null;
  readonly weightKg: number | null;
  readonly rpe: number | null;
  readonly completedAt: string | null;
}

export interface Corpus {
  readonly programs: readonly LegacyProgram[];
  readonly sessions: readonly LegacySession[];
  readonly sets: readonly LegacySet[];
}

export interface CorpusSizes {
  readonly users: number;
  readonly minPrograms: number;
  readonly maxPrograms: number;
  readonly minSessions: number;
  readonly maxSessions: number;
  readonly maxSetsPerSession: number;
}

export const SMALL_CORPUS: CorpusSizes = { users: 3, minPrograms: 1, maxPrograms: 6, minSessions: 0, maxSessions: 18, maxSetsPerSession: 4 };

// Names repeat after normalisation (case, spacing, full-width forms, ß) so that matching by name meets ambiguity,
// and carry quotes, backslashes, `?` and emoji through every SQL and JSON path.
const WORKOUT_NAMES = ['Upper A', 'Lower A', 'Push', 'Pull', 'Legs', 'Full Body', 'upper  a', 'PUSH', 'Ｐｕｓｈ', '💪 Arms "day" \\ ?'];
const EXERCISE_NAMES = ['Bench Press', 'Back Squat', 'Deadlift', 'Barbell Row', 'Overhead Press', 'Curl', 'bench press', 'Dip', 'Bench\u00a0Press', 'Straße Row', 'STRASSE ROW', "Farmer's Walk?"];
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** What a generated blob offers for history to point at (raw ids as sessions would have logged them). */
interface WorkoutRef {
  /** The id a session logged: the raw id as text, or the derived id reads show when the blob has none. */
  readonly loggedId: string;
  /** The id reads show when the blob's id is missing or repeated (position-based, docs/legacy-data.md). */
  readonly derivedId: string;
  readonly name: string;
  readonly exercises: readonly { readonly loggedId: string; readonly derivedId: string; readonly name: string }[];
}

type Gen = fc.GeneratorValue;

class Draw {
  private counter = 0;

  constructor(
    private readonly g: Gen,
    private readonly salt: string,
  ) {}

  uuid(): string {
    return derivedUuid(`${this.salt}:${this.counter++}`);
  }

  int(min: number, max: number): number {
    // Unbiased: fast-check's default bias towards small values would skew every `chance`.
    return this.g(() => fc.noBias(fc.integer({ min, max })));
  }

  pick<T>(...options: T[]): T {
    return this.g(() => fc.noBias(fc.constantFrom(...options)));
  }

  chance(percent: number): boolean {
    return this.int(1, 100) <= percent;
  }

  times<T>(min: number, max: number, make: (i: number) => T): T[] {
    return Array.from({ length: this.int(min, max) }, (_, i) => make(i));
  }

  /** A timestamp in 2024 (or, now and then, in the future: sessions logged with a skewed clock). */
  timestamp(): string {
    const base = this.chance(5) ? Date.UTC(2031, 0, 1) : Date.UTC(2024, 0, 1);
    return new Date(base + this.int(0, 365 * 24 * 60) * 60_000).toISOString();
  }
}

export function corpusArb(sizes: CorpusSizes = SMALL_CORPUS): fc.Arbitrary<Corpus> {
  return fc.tuple(fc.gen(), fc.integer({ min: 0, max: 0x7fffffff })).map(([g, salt]) => buildCorpus(new Draw(g, String(salt)), sizes));
}

/** The same corpus on every call: for tests that need one fixed data set (in several databases). */
export function fixedCorpus(sizes: CorpusSizes, seed: number): Corpus {
  const [corpus] = fc.sample(corpusArb(sizes), { seed, numRuns: 1 });
  if (!corpus) throw new Error('fast-check produced no sample');
  return corpus;
}

function buildCorpus(d: Draw, sizes: CorpusSizes): Corpus {
  const users = Array.from({ length: sizes.users }, () => d.uuid());
  const activeUsers = new Set<string>();
  const refs = new Map<string, WorkoutRef[]>();
  const programs = d.times(sizes.minPrograms, sizes.maxPrograms, (i) => {
    const id = d.uuid();
    const userId = d.pick(...users);
    const isActive = !activeUsers.has(userId) && d.chance(40);
    if (isActive) activeUsers.add(userId);
    const shape = d.pick<LegacyProgram['shape']>('phase1', 'phase1', 'phase1', 'older', 'older', 'older', 'older', 'unreadable');
    const built = shape === 'phase1' ? phaseOneBlob(d) : shape === 'older' ? olderBlob(d, id) : { blob: unreadableBlob(d), refs: [] };
    refs.set(id, built.refs);
    const program: LegacyProgram = {
      id,
      userId,
      name: `${d.pick('Strength', 'Hypertrophy', 'PPL', 'Starter')} ${i}`,
      isActive,
      blob: built.blob,
      createdAt: d.timestamp(),
      deletedAt: d.chance(15) ? d.timestamp() : null,
      shape,
    };
    return program;
  });

  const sessions: LegacySession[] = [];
  const sets: LegacySet[] = [];
  d.times(sizes.minSessions, sizes.maxSessions, () => {
    const program = programs.length && !d.chance(12) ? d.pick(...programs) : null;
    const workouts = program ? (refs.get(program.id) ?? []) : [];
    const { workoutId, snapshot, workout } = sessionTarget(d, workouts);
    const session: LegacySession = {
      id: d.uuid(),
      userId: program?.userId ?? d.pick(...users),
      programId: program?.id ?? null,
      workoutId,
      workoutNameSnapshot: snapshot,
      startedAt: d.timestamp(),
      completedAt: d.chance(80) ? d.timestamp() : null,
      notes: d.chance(20) ? d.pick('felt strong', 'gym was busy', '') : null,
    };
    sessions.push(session);
    d.times(0, sizes.maxSetsPerSession, (n) => {
      const { exerciseId, exerciseName } = setTarget(d, workout, workouts);
      sets.push({
        id: d.uuid(),
        sessionId: session.id,
        userId: session.userId,
        exerciseId,
        exerciseName,
        setNumber: n + 1,
        reps: d.chance(90) ? d.int(1, 15) : null,
        weightKg: d.chance(80) ? d.int(0, 30_000) / 100 : null,
        rpe: d.chance(40) ? d.int(50, 100) / 10 : null,
        completedAt: d.chance(85) ? d.timestamp() : null,
      });
    });
  });
  return { programs, sessions, sets };
}

/** A session's workout reference, the way some history row would hold it. */
function sessionTarget(d: Draw, workouts: readonly WorkoutRef[]): { workoutId: string | null; snapshot: string | null; workout: WorkoutRef | undefined } {
  const workout = workouts.length ? d.pick(...workouts) : undefined;
  const how = workout ? d.pick('live-id', 'live-id', 'live-id', 'live-id', 'renamed', 'renamed', 'deleted', 'no-id', 'no-id-no-name') : d.pick('deleted', 'no-id-no-name', 'free');
  const variant = (name: string) => d.pick(name, name.toUpperCase(), ` ${name}  `);
  switch (how) {
    case 'live-id':
      // Mostly the id as stored; now and then the derived id, as logged since Phase 1 against a repeated id.
      return { workoutId: d.chance(75) ? workout!.loggedId : workout!.derivedId, snapshot: d.pick<string | null>(null, workout!.name, variant(workout!.name), 'Renamed Since'), workout };
    case 'renamed':
      return { workoutId: `gone-${d.int(1, 9)}`, snapshot: variant(workout!.name), workout };
    case 'deleted':
      return { workoutId: `deleted-${d.int(1, 9)}`, snapshot: d.pick<string | null>(null, 'Retired Workout'), workout: undefined };
    case 'no-id':
      return { workoutId: null, snapshot: d.pick<string | null>(null, workout!.name), workout };
    case 'no-id-no-name':
      return { workoutId: null, snapshot: null, workout };
    default:
      return { workoutId: d.pick<string | null>(null, '1', 'w0'), snapshot: d.pick<string | null>(null, 'Free workout'), workout: undefined };
  }
}

/** A set's exercise reference: mostly from the session's workout, sometimes from elsewhere or nowhere. */
function setTarget(d: Draw, workout: WorkoutRef | undefined, workouts: readonly WorkoutRef[]): { exerciseId: string | null; exerciseName: string } {
  const own = workout?.exercises ?? [];
  const all = workouts.flatMap((w) => w.exercises);
  const from = own.length && d.chance(80) ? own : all;
  const exercise = from.length ? d.pick(...from) : undefined;
  const how = exercise ? d.pick('live-id', 'live-id', 'live-id', 'renamed', 'null-id', 'unknown') : d.pick('unknown', 'null-id-pool');
  switch (how) {
    case 'live-id':
      return { exerciseId: d.chance(75) ? exercise!.loggedId : exercise!.derivedId, exerciseName: exercise!.name };
    case 'renamed':
      return { exerciseId: `gone-ex-${d.int(1, 9)}`, exerciseName: exercise!.name };
    case 'null-id':
      return { exerciseId: null, exerciseName: d.pick(exercise!.name, exercise!.name.toUpperCase()) };
    case 'null-id-pool':
      return { exerciseId: null, exerciseName: d.pick(...EXERCISE_NAMES) };
    default:
      return { exerciseId: d.pick<string | null>(null, `unknown-${d.int(1, 9)}`), exerciseName: d.pick('Mystery Lift', 'Sled Push') };
  }
}

/** The shape written since Phase 1: unique string ids, full sets, an array schedule in range. */
function phaseOneBlob(d: Draw): { blob: unknown; refs: WorkoutRef[] } {
  const refs: WorkoutRef[] = [];
  const workouts = d.times(0, 4, () => {
    const id = d.uuid();
    const name = d.pick(...WORKOUT_NAMES);
    const exercises = d.times(0, 3, () => {
      const exerciseId = d.uuid();
      const exerciseName = d.pick(...EXERCISE_NAMES);
      return {
        id: exerciseId,
        name: exerciseName,
        ...(d.chance(30) ? { notes: 'keep the bar path straight' } : {}),
        sets: d.times(1, 3, () => {
          const reps = d.int(1, 12);
          return {
            reps,
            ...(d.chance(50) ? { repsMax: reps + d.int(0, 4) } : {}),
            ...(d.chance(70) ? { weightKg: d.int(0, 4000) / 20 } : {}),
            restSeconds: d.pick(60, 90, 120, 180),
          };
        }),
      };
    });
    refs.push({ loggedId: id, derivedId: id, name, exercises: exercises.map((e) => ({ loggedId: e.id, derivedId: e.id, name: e.name })) });
    return { id, name, exercises };
  });
  const schedule = workouts.length ? d.times(0, 4, () => ({ dayOfWeek: d.int(0, 6), workoutIndex: d.int(0, workouts.length - 1) })) : [];
  return { blob: { workouts, schedule }, refs };
}

/** A blob written before Phase 1, with every quirk docs/legacy-data.md lists. */
function olderBlob(d: Draw, programId: string): { blob: unknown; refs: WorkoutRef[] } {
  const refs: WorkoutRef[] = [];
  const workoutIds: (string | number)[] = [];
  const exerciseIds: (string | number)[] = [];
  const rawId = (taken: (string | number)[], fresh: () => string | number): { id?: string | number } => {
    const mode = d.pick('numeric', 'numeric', 'string', 'missing', 'repeated');
    if (mode === 'missing') return {};
    const id = mode === 'repeated' && taken.length ? d.pick(...taken) : fresh();
    taken.push(id);
    return { id };
  };
  const count = d.int(0, 5);
  const workouts = Array.from({ length: count }, (_, i) => {
    if (d.chance(8)) {
      // A workout nobody can read any more: its schedule entries are dropped, its sessions find nothing.
      return d.pick<unknown>(42, null, 'Upper A', { id: `lost-${i}` }, { name: null, exercises: [] });
    }
    const { id } = rawId(workoutIds, () => (d.chance(70) ? workoutIds.length + 1 : `w${i}`));
    const name = d.pick(...WORKOUT_NAMES);
    const exerciseRefs: WorkoutRef['exercises'][number][] = [];
    const exercises = d.times(0, 4, (j) => {
      const form = d.pick('full', 'compact', 'compact', 'dropped');
      const name = d.pick(...EXERCISE_NAMES);
      if (form === 'dropped') {
        // Dropped by the reader: no sets, unreadable reps, or no set information at all. Its id is
        // never one a kept exercise also uses: that case is pinned on its own, in
        // backfill-links-ids-repeated-only-by-dropped-items.test.ts.
        const head = { ...(d.chance(50) ? { id: `dropped-${i}.${j}` } : {}), name };
        return d.pick<Record<string, unknown>>({ ...head, sets: 0 }, { ...head, sets: 3, reps: 'lots' }, { ...head });
      }
      const head = { ...rawId(exerciseIds, () => (d.chance(70) ? exerciseIds.length + 1 : `e${i}.${j}`)), name };
      const derivedId = `${programId}/w${i}/e${j}`;
      exerciseRefs.push({ loggedId: head.id === undefined ? derivedId : String(head.id), derivedId, name });
      if (form === 'full') {
        return {
          ...head,
          sets: d.times(1, 3, () => ({ reps: d.pick<unknown>(8, '10', 5), weightKg: d.pick<unknown>(60, '62.5', null), restSeconds: d.pick<unknown>(90, '120', undefined) })),
        };
      }
      return { ...head, sets: d.int(1, 5), reps: d.pick<unknown>('8-10', 8, '5', '6 – 8'), weight: d.pick<unknown>(60, '62.5', undefined), rest: d.pick<unknown>('1:30', 90, undefined), legacyKey: 'x' };
    });
    const listed = !d.chance(8);
    const exercisesField = listed ? { exercises } : d.pick<Record<string, unknown>>({}, { exercises: null });
    const derivedId = `${programId}/w${i}`;
    refs.push({ loggedId: id === undefined ? derivedId : String(id), derivedId, name, exercises: listed ? exerciseRefs : [] });
    return { ...(id === undefined ? {} : { id }), name, ...exercisesField, ...(d.chance(20) ? { color: 'red' } : {}) };
  });
  return { blob: { workouts, schedule: olderSchedule(d, count), ...(d.chance(20) ? { version: 0 } : {}) }, refs };
}

function olderSchedule(d: Draw, workoutCount: number): unknown {
  const index = () => d.int(0, workoutCount + 1); // now and then past the end: workouts deleted before Phase 1
  switch (d.pick('array', 'day-map', 'day-map', 'missing')) {
    case 'array':
      return d.times(0, 5, () =>
        d.chance(15) ? null : { dayOfWeek: d.pick<unknown>(d.int(0, 6), String(d.int(0, 6)), d.pick(...DAY_NAMES)), workoutIndex: index(), ...(d.chance(20) ? { note: 'x' } : {}) },
      );
    case 'day-map':
      return Object.fromEntries(d.times(0, 4, () => [d.pick(...DAY_NAMES, 'Funday'), d.pick<unknown>(index(), null, [index(), index()])]));
    default:
      return d.pick(undefined, null);
  }
}

function unreadableBlob(d: Draw): unknown {
  return d.pick<unknown>({}, [], { workouts: 'x' }, { workouts: null, schedule: [] }, { workouts: { 0: {} } }, 'program', 42, null);
}

function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
