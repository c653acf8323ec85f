/**
 * Bounds a program must respect. The database column types set some of them
 * (`weight_kg numeric(6,2)`); the rest keep one request, one version row set
 * and one screen of the app to a sane size. The legacy blob reader uses the
 * per-set bounds too, so every set it returns is one the invariants accept.
 */
export const PROGRAM_LIMITS = {
  maxNameLength: 120,
  maxNotesLength: 2000,
  maxWorkouts: 30,
  maxExercisesPerWorkout: 50,
  maxSetsPerExercise: 30,
  maxScheduleEntries: 100,
  minReps: 1,
  maxReps: 1000,
  maxWeightKg: 2000,
  maxRestSeconds: 3600,
  /** `dayOfWeek` is 0 (Monday) … 6 (Sunday). */
  maxDayOfWeek: 6,
} as const;
