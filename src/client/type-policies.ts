import type * as Schema from '../graphql/generated/resolvers-types.js';

/*
 * Type policies for Apollo Client's InMemoryCache, for front ends to import:
 *
 *   new InMemoryCache({ typePolicies })
 *
 * Every object a screen can see twice has an `id`, so the default cache
 * already stores and merges everything correctly. What is left is noise: when
 * a list gets shorter (`Program.workouts` after `deleteWorkout`,
 * `Exercise.sets` after an edit), Apollo Client's development build warns
 * "Cache data may be lost when replacing the workouts field of a Program
 * object", although the list's items are normalised and nothing is lost.
 * `merge: false` says "replace the list", which is what the default does, so
 * the policies change no data, only silence that false alarm.
 *
 * The fields: every list of objects that have an `id`, on a type that has an
 * `id` (or on Query/User). test/client/type-policies.test.ts derives the same
 * set from the schema, so a new list field fails the test until it is here.
 */

/** The schema's object types this module may name, as the generated types describe them. */
interface ObjectTypes {
  Query: Schema.Query;
  User: Schema.User;
  Program: Schema.Program;
  ProgramVersion: Schema.ProgramVersion;
  Workout: Schema.Workout;
  Exercise: Schema.Exercise;
  WorkoutSnapshot: Schema.WorkoutSnapshot;
  ExerciseSnapshot: Schema.ExerciseSnapshot;
  Session: Schema.Session;
  ExercisePerformance: Schema.ExercisePerformance;
  VersionChanges: Schema.VersionChanges;
  ScheduleChange: Schema.ScheduleChange;
  SetsChange: Schema.SetsChange;
}

type ListFieldOf<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? K : never }[keyof T] & string;

/** `merge: false` on list fields only: a typo or a non-list field does not type-check. */
export type ReplaceListPolicies = {
  readonly [T in keyof ObjectTypes]?: { readonly fields: { readonly [F in ListFieldOf<ObjectTypes[T]>]?: { readonly merge: false } } };
};

const replace = { merge: false } as const;

export const typePolicies = {
  Query: { fields: { programs: replace, lastPerformance: replace } },
  User: { fields: { programs: replace } },
  Program: { fields: { workouts: replace, schedule: replace, versions: replace } },
  ProgramVersion: { fields: { workouts: replace, schedule: replace } },
  Workout: { fields: { exercises: replace } },
  Exercise: { fields: { sets: replace } },
  WorkoutSnapshot: { fields: { exercises: replace } },
  ExerciseSnapshot: { fields: { sets: replace } },
  Session: { fields: { sets: replace } },
  ExercisePerformance: { fields: { sets: replace } },
  VersionChanges: {
    fields: {
      workoutsAdded: replace,
      workoutsRemoved: replace,
      workoutsRenamed: replace,
      workoutsMoved: replace,
      exercisesAdded: replace,
      exercisesRemoved: replace,
      exercisesRenamed: replace,
      exercisesMoved: replace,
      notesChanged: replace,
      setsChanged: replace,
    },
  },
  ScheduleChange: { fields: { before: replace, after: replace } },
  SetsChange: { fields: { before: replace, after: replace } },
} as const satisfies ReplaceListPolicies;
