import fc from 'fast-check';
import './fast-check-setup.js';
import { checkLoggedSet, LOGGED_SET_LIMITS as L, type LoggedSetValues } from '../../src/domain/logged-set-rules.js';
import { hasWeightPrecision } from '../../src/domain/weight-precision.js';

const valid: LoggedSetValues = { setNumber: 1, reps: 8, weightKg: 60, rpe: 8 };
const codes = (set: Partial<LoggedSetValues>) => checkLoggedSet({ ...valid, ...set }).map((v) => `${v.path} ${v.code}`);

describe('checkLoggedSet', () => {
  it('accepts a set on the scales athletes use', () => {
    expect(codes({})).toEqual([]);
    expect(codes({ reps: null, weightKg: null, rpe: null })).toEqual([]);
    expect(codes({ weightKg: 62.25, rpe: 7.5 })).toEqual([]);
    expect(codes({ weightKg: 9999.99, rpe: 10, reps: 0 })).toEqual([]);
    expect(codes({ rpe: 1 })).toEqual([]);
  });

  it('refuses an RPE off the 1–10 half-step scale rather than rounding it', () => {
    expect(codes({ rpe: 7.3 })).toEqual(['input.rpe RPE_NOT_HALF_STEP']);
    expect(codes({ rpe: 7.25 })).toEqual(['input.rpe RPE_NOT_HALF_STEP']);
    expect(codes({ rpe: 0 })).toEqual(['input.rpe OUT_OF_RANGE']);
    expect(codes({ rpe: 0.5 })).toEqual(['input.rpe OUT_OF_RANGE']);
    expect(codes({ rpe: 10.5 })).toEqual(['input.rpe OUT_OF_RANGE']);
    expect(codes({ rpe: Number.NaN })).toEqual(['input.rpe NOT_A_FINITE_NUMBER']);
  });

  it('refuses a weight with more than two decimals rather than rounding it', () => {
    expect(codes({ weightKg: 0.001 })).toEqual(['input.weightKg TOO_MANY_DECIMALS']);
    expect(codes({ weightKg: 60.125 })).toEqual(['input.weightKg TOO_MANY_DECIMALS']);
    expect(codes({ weightKg: 0.1 + 0.2 })).toEqual(['input.weightKg TOO_MANY_DECIMALS']);
    expect(codes({ weightKg: -1 })).toEqual(['input.weightKg OUT_OF_RANGE']);
    expect(codes({ weightKg: 10_000 })).toEqual(['input.weightKg OUT_OF_RANGE']);
  });

  it('reports every field at once, one violation per field', () => {
    expect(codes({ setNumber: 0, reps: -1, weightKg: 0.001, rpe: 7.3 })).toEqual([
      'input.setNumber OUT_OF_RANGE',
      'input.reps OUT_OF_RANGE',
      'input.weightKg TOO_MANY_DECIMALS',
      'input.rpe RPE_NOT_HALF_STEP',
    ]);
  });

  it('accepts exactly the RPEs 1, 1.5, … 10', () => {
    const scale = new Set(Array.from({ length: 19 }, (_, i) => 1 + i / 2));
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -1, max: 12 }), fc.constantFrom(...scale), fc.integer({ min: 0, max: 24 }).map((n) => n / 2)), (rpe) => {
        expect(checkLoggedSet({ ...valid, rpe })).toEqual(scale.has(rpe) ? [] : [expect.objectContaining({ path: 'input.rpe' })]);
      }),
    );
  });

  it('accepts exactly the weights that numeric(6,2) stores unchanged', () => {
    const onGrid = (kg: number) => kg >= 0 && kg <= L.maxWeightKg && Number(kg.toFixed(2)) === kg;
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -1, max: 10_001, noNaN: true }), fc.integer({ min: 0, max: 999_999 }).map((c) => c / 100)), (weightKg) => {
        expect(hasWeightPrecision(weightKg) && weightKg >= 0 && weightKg <= L.maxWeightKg).toBe(onGrid(weightKg));
        expect(checkLoggedSet({ ...valid, weightKg })).toEqual(onGrid(weightKg) ? [] : [expect.objectContaining({ path: 'input.weightKg' })]);
      }),
    );
  });
});
