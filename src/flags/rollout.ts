import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A flag's rollout: the percentage of users it is on for. `off` = 0, `on` = 100,
 * `25%` = 25. Users are placed in buckets 0–99 by a hash of their id alone —
 * not of the flag — so rollouts nest across flags: at READS 10% and WRITES 50%
 * every READS user is also a WRITES user, and raising a percentage only ever
 * adds users.
 */
export const rolloutSchema = z
  .string()
  .trim()
  // Lower case only, as documented: `ON` is refused rather than guessed at.
  .regex(/^(on|off|\d{1,3}(\.\d+)?%)$/, 'must be on, off or a percentage such as 25%')
  .transform((v) => (v === 'on' ? 100 : v === 'off' ? 0 : Number(v.slice(0, -1))))
  .pipe(z.number().min(0, 'must be a percentage 0–100%').max(100, 'must be a percentage 0–100%'));

export function userBucket(userId: string): number {
  return createHash('sha256').update(userId.toLowerCase()).digest().readUInt32BE(0) % 100;
}

export function rolloutIncludes(rollout: number, userId: string | undefined): boolean {
  if (rollout >= 100) return true;
  if (rollout <= 0 || !userId) return false;
  return userBucket(userId) < rollout;
}
