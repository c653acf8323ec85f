import { isListType, isNonNullType, isObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { MAX_CALENDAR_DAYS, parseDate } from '../../domain/calendar.js';
import { HISTORY_LIMITS } from '../../domain/history-limits.js';
import { PROGRAM_LIMITS } from '../../domain/program-limits.js';
import { MAX_PAGE_SIZE } from '../../graphql/arguments.js';
import { MAX_LAST_PERFORMANCE_IDS } from '../../graphql/resolvers/query.js';

/** The most items a field's value can hold, from the field's (variable-resolved) arguments. */
export type ListBound = (args: Readonly<Record<string, unknown>>) => number;

const L = PROGRAM_LIMITS;
const DAY_MS = 86_400_000;

const fixed =
  (n: number): ListBound =>
  () =>
    n;

/**
 * Out-of-range values count at the limit: the resolver refuses them with
 * BAD_USER_INPUT naming the argument, a better answer than a cost refusal.
 */
const clamp = (n: number, max: number) => (Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), max) : max);

const first =
  (fallback: number): ListBound =>
  (args) =>
    clamp(typeof args.first === 'number' ? args.first : fallback, MAX_PAGE_SIZE);

const lengthOf =
  (argument: string, max = Infinity): ListBound =>
  (args) => {
    const value = args[argument];
    return Array.isArray(value) ? Math.min(value.length, max) : 0;
  };

/** `calendar(from, to)`: one entry per day, both ends included; a reversed or invalid range is refused by the resolver. */
const calendarDays: ListBound = (args) => {
  const from = typeof args.from === 'string' ? parseDate(args.from) : null;
  const to = typeof args.to === 'string' ? parseDate(args.to) : null;
  if (!from || !to) return 0;
  return clamp((to.getTime() - from.getTime()) / DAY_MS + 1, MAX_CALENDAR_DAYS);
};

const workoutsPerProgram = fixed(L.maxWorkouts);
const exercisesPerProgram = fixed(L.maxWorkouts * L.maxExercisesPerWorkout);

/**
 * Every list field of the schema, keyed `Type.field`, with the most items it
 * can return. Where the size comes from the data, the bound is the one the
 * writers enforce (PROGRAM_LIMITS) or the one the reads apply
 * (HISTORY_LIMITS); where it comes from the request, it is read from the
 * arguments. `Query.sessions` is a connection: its page size is counted on the
 * field itself, so its `edges` count once per page item. A list field missing
 * here stops the server at start-up (`assertEveryListBounded`).
 */
export const LIST_BOUNDS: Readonly<Record<string, ListBound>> = {
  'Query.programs': first(50),
  'User.programs': first(50),
  'Program.versions': first(50),
  'Query.sessions': first(20),
  'SessionConnection.edges': fixed(1),
  'Query.lastPerformance': lengthOf('exerciseIds', MAX_LAST_PERFORMANCE_IDS),
  'Query.calendar': calendarDays,
  'Query._entities': lengthOf('representations'),

  'Program.workouts': workoutsPerProgram,
  'ProgramVersion.workouts': workoutsPerProgram,
  'Workout.exercises': fixed(L.maxExercisesPerWorkout),
  'Exercise.sets': fixed(L.maxSetsPerExercise),
  'WorkoutSnapshot.exercises': fixed(L.maxExercisesPerWorkout),
  'ExerciseSnapshot.sets': fixed(L.maxSetsPerExercise),
  'Program.schedule': fixed(L.maxScheduleEntries),
  'ProgramVersion.schedule': fixed(L.maxScheduleEntries),
  // A weekday holds each workout at most once (duplicate entries are refused, or dropped from old blobs).
  'CalendarDay.scheduled': fixed(Math.min(L.maxWorkouts, L.maxScheduleEntries)),

  'CalendarDay.sessions': fixed(HISTORY_LIMITS.maxSessionsPerDay),
  'Session.sets': fixed(HISTORY_LIMITS.maxSetsPerSession),
  'ExercisePerformance.sets': fixed(HISTORY_LIMITS.maxSetsPerPerformance),

  // A version's changes against its parent: at most every workout or exercise of both.
  'VersionChanges.workoutsAdded': workoutsPerProgram,
  'VersionChanges.workoutsRemoved': workoutsPerProgram,
  'VersionChanges.workoutsRenamed': workoutsPerProgram,
  'VersionChanges.workoutsMoved': workoutsPerProgram,
  'VersionChanges.exercisesAdded': exercisesPerProgram,
  'VersionChanges.exercisesRemoved': exercisesPerProgram,
  'VersionChanges.exercisesRenamed': exercisesPerProgram,
  'VersionChanges.exercisesMoved': exercisesPerProgram,
  'VersionChanges.notesChanged': exercisesPerProgram,
  'VersionChanges.setsChanged': exercisesPerProgram,
  'SetsChange.before': fixed(L.maxSetsPerExercise),
  'SetsChange.after': fixed(L.maxSetsPerExercise),
  'ScheduleChange.before': fixed(L.maxScheduleEntries),
  'ScheduleChange.after': fixed(L.maxScheduleEntries),
};

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** Every `Type.field` of the schema that returns a list and has no bound (introspection types aside). */
export function unboundedListFields(schema: GraphQLSchema, bounds: Readonly<Record<string, ListBound>> = LIST_BOUNDS): string[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) => (isObjectType(type) ? Object.values(type.getFields()).map((field) => ({ key: `${type.name}.${field.name}`, field })) : []))
    .filter(({ key, field }) => isList(field.type) && !(key in bounds))
    .map(({ key }) => key);
}

/** Stops start-up when a list field has no bound: its cost could not be known before running it. */
export function assertEveryListBounded(schema: GraphQLSchema): void {
  const missing = unboundedListFields(schema);
  if (missing.length) throw new Error(`No list bound for ${missing.join(', ')}: add one to LIST_BOUNDS in src/server/operation-cost/list-bounds.ts`);
}
