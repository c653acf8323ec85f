/**
 * Weights are stored with two decimals (`numeric(6,2)` for logged sets; the
 * same grid for prescriptions, so a prescribed weight can be logged as is).
 * A weight with more decimals is refused rather than rounded: a client must
 * never read back a number other than the one it sent.
 */
export const WEIGHT_DECIMALS = 2;

/**
 * True when `kg` (finite) is written with at most two decimals. Exact for
 * doubles: 0.1 * 100 is not exactly 10, but rounding to the nearest integer
 * and dividing back yields the same double exactly when the shortest decimal
 * form of `kg` has at most two decimals.
 */
export function hasWeightPrecision(kg: number): boolean {
  return Math.round(kg * 100) / 100 === kg;
}
