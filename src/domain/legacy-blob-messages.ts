import type { z } from 'zod';

/* Renderings of raw blob values and schema failures for issue messages, which operators read in the backfill report. */

/** `"workouts.0.name: expected string"` — for issue messages an operator reads. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.map(String).join('.');
      return at === '' ? issue.message : `${at}: ${issue.message}`;
    })
    .join('; ');
}

/** A short, never-throwing rendering of a raw value for messages. */
export function showRawValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
