import type { Violation } from './program.js';
import { hasWeightPrecision, WEIGHT_DECIMALS } from './weight-precision.js';

/** Bounds of a logged set; the columns set some of them (`weight_kg numeric(6,2)`, `rpe numeric(3,1)`). */
export const LOGGED_SET_LIMITS = {
  maxSetNumber: 100,
  maxReps: 1000,
  maxWeightKg: 9999.99,
  /** RPE is 1–10 in steps of 0.5 (the scale athletes use; 0 is not on it). */
  minRpe: 1,
  maxRpe: 10,
} as const;

/** Codes of the rules `checkLoggedSet` enforces. Clients switch on these; add, never rename. */
export const LoggedSetViolationCode = {
  NOT_AN_INTEGER: 'NOT_AN_INTEGER',
  NOT_A_FINITE_NUMBER: 'NOT_A_FINITE_NUMBER',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  TOO_MANY_DECIMALS: 'TOO_MANY_DECIMALS',
  RPE_NOT_HALF_STEP: 'RPE_NOT_HALF_STEP',
} as const;

export interface LoggedSetValues {
  readonly setNumber: number;
  readonly reps: number | null;
  readonly weightKg: number | null;
  readonly rpe: number | null;
}

/** A set as an athlete logs it: the exercise (its stable id) and the values. */
export interface LoggedSet extends LoggedSetValues {
  readonly exerciseId: string;
}

const L = LOGGED_SET_LIMITS;
const C = LoggedSetViolationCode;

/**
 * Every rule a logged set breaks, one violation per field at most, with paths
 * under `prefix` (`input.rpe`). A value is stored exactly as sent or refused:
 * nothing is rounded.
 */
export function checkLoggedSet(set: LoggedSetValues, prefix = 'input'): Violation[] {
  const violations: Violation[] = [];
  const report = (field: string, code: string, message: string) => violations.push({ path: `${prefix}.${field}`, code, message });
  const whole = (field: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value)) report(field, C.NOT_AN_INTEGER, `${field} must be a whole number, got ${String(value)}`);
    else if (value < min || value > max) report(field, C.OUT_OF_RANGE, `${field} must be ${min} to ${max}, got ${value}`);
  };
  whole('setNumber', set.setNumber, 1, L.maxSetNumber);
  if (set.reps !== null) whole('reps', set.reps, 0, L.maxReps);
  if (set.weightKg !== null) {
    const kg = set.weightKg;
    if (!Number.isFinite(kg)) report('weightKg', C.NOT_A_FINITE_NUMBER, `weightKg must be a finite number, got ${String(kg)}`);
    else if (kg < 0 || kg > L.maxWeightKg) report('weightKg', C.OUT_OF_RANGE, `weightKg must be 0 to ${L.maxWeightKg}, got ${kg}`);
    else if (!hasWeightPrecision(kg)) report('weightKg', C.TOO_MANY_DECIMALS, `weightKg has at most ${WEIGHT_DECIMALS} decimals, got ${kg}`);
  }
  if (set.rpe !== null) {
    const rpe = set.rpe;
    if (!Number.isFinite(rpe)) report('rpe', C.NOT_A_FINITE_NUMBER, `rpe must be a finite number, got ${String(rpe)}`);
    else if (rpe < L.minRpe || rpe > L.maxRpe) report('rpe', C.OUT_OF_RANGE, `rpe must be ${L.minRpe} to ${L.maxRpe}, got ${rpe}`);
    else if (!Number.isInteger(rpe * 2)) report('rpe', C.RPE_NOT_HALF_STEP, `rpe goes in steps of 0.5 (7, 7.5, 8, …), got ${rpe}`);
  }
  return violations;
}
