import { z } from 'zod';

/*
 * Value schemas for environment variables. Each states what it accepts in one
 * phrase ("must be …"); `loadConfig` prefixes the variable's name and quotes
 * what was typed, so a message reads `PORT must be a port number 0–65535, got "abc"`.
 */

/** A whole number in [min, max]: digits only, so `1e3`, `12.5` or `0x10` are refused rather than read as something else. */
export function wholeNumber(min: number, max: number, what = `a whole number ${min}–${max}`) {
  const message = `must be ${what}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

export const portNumber = (min = 0) => wholeNumber(min, 65535, `a port number ${min}–65535`);

export const milliseconds = (min: number, max: number) => wholeNumber(min, max, `a number of milliseconds ${min}–${max}`);

/** One of a fixed set of lower-case words, exactly as listed (README is the contract: `ON` is refused). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const listed = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return z.enum(values, { error: `must be ${listed}` });
}

export const onOff = oneOf(['on', 'off']);

/** Variables whose value must not be echoed back in a message. */
const SECRETS = new Set(['JWT_SECRET']);

/**
 * How a typed value is quoted in a message: as typed, secrets by length only,
 * a URL's credentials masked up to its last `@` — a password may hold `/`, `:`
 * or `@` (base64, often), and a URL is quoted back precisely when it did not
 * parse, so no URL syntax can be trusted to find where the password ends.
 */
export function quoteTyped(name: string, value: string): string {
  if (SECRETS.has(name)) return `${value.length} characters`;
  return JSON.stringify(value.replace(/\/\/[^]*@/, '//***@'));
}

/** A share 0–1, such as `0.05`. */
export function fraction() {
  const message = 'must be a number 0–1 such as 0.05';
  return z
    .string()
    .trim()
    .regex(/^\d*\.?\d+$/, message)
    .transform(Number)
    .pipe(z.number().max(1, message));
}
