import { z } from 'zod';
import { PROGRAM_LIMITS } from './program-limits.js';

/*
 * Schemas for the shapes legacy blobs take (docs/legacy-data.md). They are deliberately
 * shallow: a container is parsed with its children as `unknown`, and each child
 * is parsed on its own afterwards, so one broken set drops that set and not the
 * whole workout. Unknown keys are stripped (zod's default), which is how extra
 * keys anywhere in a blob are ignored.
 */

/** Whole numbers written as strings: "8", " 12 ". */
const digitString = z.string().trim().regex(/^\d+$/).transform(Number);
/** Decimals written as strings: "60", "62.5", "-5" (the sign is rejected later, by range). */
const decimalString = z.string().trim().regex(/^[+-]?\d+(\.\d+)?$/).transform(Number);
/** Rest written as minutes and seconds: "1:30" → 90. */
const minutesSeconds = z
  .string()
  .trim()
  .regex(/^\d+:[0-5]\d$/)
  .transform((s) => {
    const [minutes = '0', seconds = '0'] = s.split(':');
    return Number(minutes) * 60 + Number(seconds);
  });

const wholeNumber = z.union([z.number(), digitString]).pipe(z.number().int());

/** An id the reader can keep: a non-empty string, or a number (`1` → `"1"`). Anything else counts as missing. */
export const legacyIdSchema = z
  .union([z.string().min(1), z.number().transform(String)])
  .optional()
  .catch(undefined);

/** Names are text; a number (`"name": 1`) reads as its decimal form rather than costing the item. */
export const legacyNameSchema = z.union([z.string(), z.number().transform(String)]);

export const legacyNotesSchema = z.string().nullish().transform((notes) => notes ?? null);

/** `8`, `"8"` → 8 with no upper bound; `"8-10"` (hyphen or en dash) → 8 with upper bound 10. */
export const repSpecSchema = z
  .union([
    z
      .string()
      .trim()
      .regex(/^\d+\s*[-–]\s*\d+$/)
      .transform((s) => {
        const [low = '', high = ''] = s.split(/\s*[-–]\s*/);
        return { reps: Number(low), repsMax: Number(high) as number | null };
      }),
    wholeNumber.transform((reps) => ({ reps, repsMax: null as number | null })),
  ])
  .pipe(
    z.object({
      reps: z.number().int().min(PROGRAM_LIMITS.minReps).max(PROGRAM_LIMITS.maxReps),
      repsMax: z.number().nullable(),
    }),
  );

export const repsMaxSchema = wholeNumber.pipe(z.number().max(PROGRAM_LIMITS.maxReps));

export const weightKgSchema = z
  .union([z.number(), decimalString])
  .pipe(z.number().min(0).max(PROGRAM_LIMITS.maxWeightKg));

export const restSecondsSchema = z
  .union([z.number(), digitString, minutesSeconds])
  .pipe(z.number().int().min(0).max(PROGRAM_LIMITS.maxRestSeconds));

/** A set in the Phase 1 shape; its fields are read one by one so a bad weight does not lose the reps. */
export const legacySetSchema = z.object({
  reps: z.unknown().optional(),
  repsMax: z.unknown().optional(),
  weightKg: z.unknown().optional(),
  restSeconds: z.unknown().optional(),
});

export const legacyExerciseHeadSchema = z.object({
  id: legacyIdSchema,
  name: legacyNameSchema,
  notes: z.unknown().optional(),
  sets: z.unknown().optional(),
});

export const fullSetsSchema = z.array(z.unknown());

/**
 * The compact form `"sets": 3, "reps": "8-10", "weight": 60, "rest": "1:30"`.
 * The count is capped by the set limit: a count of thousands is corruption,
 * and expanding it would only produce a program the invariants reject.
 */
export const compactExerciseSchema = z.object({
  sets: wholeNumber.pipe(z.number().min(0).max(PROGRAM_LIMITS.maxSetsPerExercise)),
  reps: z.unknown().optional(),
  repsMax: z.unknown().optional(),
  weight: z.unknown().optional(),
  rest: z.unknown().optional(),
});

export const legacyWorkoutSchema = z.object({
  id: legacyIdSchema,
  name: legacyNameSchema,
  exercises: z.array(z.unknown()).nullish(),
});

export const legacyBlobSchema = z.object({
  workouts: z.array(z.unknown()),
  schedule: z.unknown().optional(),
});

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** A day name in any case (`"Monday"`, `" THURSDAY "`) → 0 … 6. */
export const dayNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((name) => DAY_NAMES.includes(name), 'not a day name')
  .transform((name) => DAY_NAMES.indexOf(name));

export const dayOfWeekSchema = z.union([
  wholeNumber.pipe(z.number().min(0).max(PROGRAM_LIMITS.maxDayOfWeek)),
  dayNameSchema,
]);

export const workoutIndexSchema = wholeNumber.pipe(z.number().min(0));

export const scheduleEntrySchema = z.object({
  dayOfWeek: dayOfWeekSchema,
  workoutIndex: workoutIndexSchema,
});

export const scheduleArraySchema = z.array(z.unknown());
export const scheduleDayMapSchema = z.record(z.string(), z.unknown());
/** In the day-map form a day holds one workout index or a list of them. */
export const dayMapValueSchema = z.union([workoutIndexSchema, z.array(z.unknown())]);
