import { forbiddenCharacter, type TextKind } from './forbidden-characters.js';
import { PROGRAM_LIMITS } from './program-limits.js';
import type { ExerciseDraft, ProgramContent, ProgramDraft, ScheduleEntry, SetPrescription, WorkoutDraft } from './program.js';
import { ViolationCode, type ProgramViolation } from './violation-code.js';
import { hasWeightPrecision, WEIGHT_DECIMALS } from './weight-precision.js';

export { PROGRAM_LIMITS } from './program-limits.js';
export { ViolationCode, type ProgramViolation } from './violation-code.js';

type Report = (path: string, code: ViolationCode, message: string) => void;

const L = PROGRAM_LIMITS;

/**
 * Every rule the program breaks, in input order, so a client can show all of
 * them at once. Each field reports at most one violation, and a rule that
 * relates two fields (repsMax ≥ reps, duplicate schedule entries) is only
 * checked when both fields are valid on their own, so one mistake yields one
 * violation. Never throws, whatever numbers it is given.
 */
export function checkProgram(input: { readonly name: string; readonly content: ProgramDraft | ProgramContent }): ProgramViolation[] {
  const violations: ProgramViolation[] = [];
  const report: Report = (path, code, message) => violations.push({ path, code, message });
  const { workouts, schedule } = input.content;

  checkName(input.name, 'name', 'program', report);
  if (workouts.length > L.maxWorkouts) {
    report('workouts', ViolationCode.TOO_MANY_WORKOUTS, `a program has at most ${L.maxWorkouts} workouts, this one has ${workouts.length}`);
  }
  const workoutIds = new UniqueIds(ViolationCode.DUPLICATE_WORKOUT_ID, 'workout', report);
  const exerciseIds = new UniqueIds(ViolationCode.DUPLICATE_EXERCISE_ID, 'exercise', report);
  workouts.forEach((workout, i) => checkWorkout(workout, `workouts.${i}`, workoutIds, exerciseIds, report));
  checkSchedule(schedule, workouts.length, report);
  return violations;
}

function checkWorkout(workout: WorkoutDraft, path: string, workoutIds: UniqueIds, exerciseIds: UniqueIds, report: Report): void {
  workoutIds.check(workout.id, `${path}.id`);
  checkName(workout.name, `${path}.name`, 'workout', report);
  if (workout.exercises.length > L.maxExercisesPerWorkout) {
    report(`${path}.exercises`, ViolationCode.TOO_MANY_EXERCISES, `a workout has at most ${L.maxExercisesPerWorkout} exercises, this one has ${workout.exercises.length}`);
  }
  workout.exercises.forEach((exercise, k) => checkExercise(exercise, `${path}.exercises.${k}`, exerciseIds, report));
}

function checkExercise(exercise: ExerciseDraft, path: string, exerciseIds: UniqueIds, report: Report): void {
  exerciseIds.check(exercise.id, `${path}.id`);
  checkName(exercise.name, `${path}.name`, 'exercise', report);
  if (typeof exercise.notes === 'string') {
    if (codePoints(exercise.notes) > L.maxNotesLength) {
      report(`${path}.notes`, ViolationCode.NOTES_TOO_LONG, `notes are at most ${L.maxNotesLength} characters`);
    } else {
      checkCharacters(exercise.notes, `${path}.notes`, 'notes', report);
    }
  }
  if (exercise.sets.length === 0) {
    report(`${path}.sets`, ViolationCode.NO_SETS, 'an exercise needs at least one set');
  } else if (exercise.sets.length > L.maxSetsPerExercise) {
    report(`${path}.sets`, ViolationCode.TOO_MANY_SETS, `an exercise has at most ${L.maxSetsPerExercise} sets, this one has ${exercise.sets.length}`);
  }
  exercise.sets.forEach((set, s) => checkSet(set, `${path}.sets.${s}`, report));
}

function checkSet(set: SetPrescription, path: string, report: Report): void {
  const repsValid = checkInteger(set.reps, `${path}.reps`, report, (reps) => {
    if (reps < L.minReps) return [ViolationCode.REPS_TOO_LOW, `reps must be at least ${L.minReps}`];
    if (reps > L.maxReps) return [ViolationCode.REPS_TOO_HIGH, `reps must be at most ${L.maxReps}`];
    return null;
  });
  if (set.repsMax !== null && set.repsMax !== undefined) {
    checkInteger(set.repsMax, `${path}.repsMax`, report, (repsMax) => {
      if (repsMax > L.maxReps) return [ViolationCode.REPS_TOO_HIGH, `repsMax must be at most ${L.maxReps}`];
      if (repsValid && repsMax < set.reps) return [ViolationCode.REPS_MAX_BELOW_REPS, `repsMax ${repsMax} is below reps ${set.reps}`];
      return null;
    });
  }
  if (set.weightKg !== null && set.weightKg !== undefined) checkWeight(set.weightKg, `${path}.weightKg`, report);
  checkInteger(set.restSeconds, `${path}.restSeconds`, report, (rest) =>
    rest < 0 || rest > L.maxRestSeconds ? [ViolationCode.REST_OUT_OF_RANGE, `rest must be 0 to ${L.maxRestSeconds} seconds`] : null,
  );
}

function checkWeight(weightKg: number, path: string, report: Report): void {
  if (!Number.isFinite(weightKg)) {
    report(path, ViolationCode.NOT_A_FINITE_NUMBER, `weightKg must be a finite number, got ${String(weightKg)}`);
  } else if (weightKg < 0) {
    report(path, ViolationCode.WEIGHT_NEGATIVE, 'weightKg cannot be negative');
  } else if (weightKg > L.maxWeightKg) {
    report(path, ViolationCode.WEIGHT_TOO_HIGH, `weightKg must be at most ${L.maxWeightKg}`);
  } else if (!hasWeightPrecision(weightKg)) {
    report(path, ViolationCode.TOO_MANY_DECIMALS, `weightKg has at most ${WEIGHT_DECIMALS} decimals, got ${String(weightKg)}`);
  }
}

/**
 * Several different workouts on one day are allowed (two sessions a day is a
 * real plan); the same workout twice on one day is not, since it says nothing
 * more and would show the workout twice in the calendar.
 */
function checkSchedule(schedule: readonly ScheduleEntry[], workoutCount: number, report: Report): void {
  if (schedule.length > L.maxScheduleEntries) {
    report('schedule', ViolationCode.TOO_MANY_SCHEDULE_ENTRIES, `a schedule has at most ${L.maxScheduleEntries} entries, this one has ${schedule.length}`);
  }
  const firstEntry = new Map<string, number>();
  schedule.forEach((entry, i) => {
    const path = `schedule.${i}`;
    const dayValid = checkInteger(entry.dayOfWeek, `${path}.dayOfWeek`, report, (day) =>
      day < 0 || day > L.maxDayOfWeek ? [ViolationCode.DAY_OUT_OF_RANGE, `dayOfWeek must be 0 (Monday) to ${L.maxDayOfWeek} (Sunday)`] : null,
    );
    const indexValid = checkInteger(entry.workoutIndex, `${path}.workoutIndex`, report, (index) =>
      index < 0 || index >= workoutCount
        ? [ViolationCode.WORKOUT_INDEX_OUT_OF_RANGE, `workoutIndex ${index} does not point at one of the ${workoutCount} workouts`]
        : null,
    );
    if (!dayValid || !indexValid) return;
    const key = `${entry.dayOfWeek}:${entry.workoutIndex}`;
    const first = firstEntry.get(key);
    if (first === undefined) {
      firstEntry.set(key, i);
    } else {
      report(path, ViolationCode.DUPLICATE_SCHEDULE_ENTRY, `workout ${entry.workoutIndex} is already scheduled on day ${entry.dayOfWeek} by schedule.${first}`);
    }
  });
}

/** Reports a non-integer, or what `range` says about an integer; true when the value is valid. */
function checkInteger(
  value: number,
  path: string,
  report: Report,
  range: (value: number) => readonly [ViolationCode, string] | null,
): boolean {
  if (!Number.isInteger(value)) {
    report(path, ViolationCode.NOT_AN_INTEGER, `${path.slice(path.lastIndexOf('.') + 1)} must be a whole number, got ${String(value)}`);
    return false;
  }
  const broken = range(value);
  if (broken === null) return true;
  report(path, broken[0], broken[1]);
  return false;
}

function checkName(name: string, path: string, what: string, report: Report): void {
  if (name.trim() === '') {
    report(path, ViolationCode.NAME_EMPTY, `the ${what} needs a name`);
  } else if (codePoints(name) > L.maxNameLength) {
    report(path, ViolationCode.NAME_TOO_LONG, `a ${what} name is at most ${L.maxNameLength} characters`);
  } else {
    checkCharacters(name, path, 'name', report);
  }
}

function checkCharacters(text: string, path: string, kind: TextKind, report: Report): void {
  const found = forbiddenCharacter(text, kind);
  if (found) {
    const allowed = kind === 'name' ? 'control or bidirectional-formatting characters' : 'control characters other than line breaks, nor bidirectional overrides';
    report(path, ViolationCode.FORBIDDEN_CHARACTER, `${kind === 'name' ? 'a name' : 'notes'} cannot contain ${allowed}: ${found.codePoint} at character ${found.position}`);
  }
}

/** Lengths count characters as a user does (code points), not UTF-16 units. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** Ids are optional on drafts: absent (null, undefined, "") ids are not compared. */
class UniqueIds {
  private readonly firstPath = new Map<string, string>();

  constructor(
    private readonly code: ViolationCode,
    private readonly what: string,
    private readonly report: Report,
  ) {}

  check(id: string | null | undefined, path: string): void {
    if (id === null || id === undefined || id === '') return;
    const first = this.firstPath.get(id);
    if (first === undefined) {
      this.firstPath.set(id, path);
    } else {
      this.report(path, this.code, `${this.what} id "${id}" is already used at ${first}`);
    }
  }
}
