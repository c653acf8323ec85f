import { readFileSync } from 'node:fs';
import { ErrorCode } from '@openfeature/server-sdk';
import { FlagdCore } from '@openfeature/flagd-core';
import { z } from 'zod';
import { FLAG } from './flag-snapshot.js';

/** A flag file that cannot be used: a missing file, text that is not flagd's JSON, a flag of ours that is not boolean-valued. */
export class FlagFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`FLAGS_FILE ${path}: ${problem}`);
    this.name = 'FlagFileError';
  }
}

/** A flag file that passed every check: its text, as flagd reads it, and the keys that are none of ours. */
export interface FlagFileContent {
  readonly text: string;
  readonly unknownKeys: readonly string[];
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.values(FLAG));

const fileSchema = z.object({ flags: z.record(z.string(), z.unknown(), { error: 'must be an object of flags' }) }, { error: 'must be an object with "flags"' });

/**
 * One of our flags as flagd defines it, boolean-valued. flagd itself only
 * logs a flag of the wrong type and answers the default for it at every
 * evaluation, which would silently put every user in Phase 1.
 */
const booleanFlagSchema = z
  .object({
    state: z.enum(['ENABLED', 'DISABLED'], { error: 'must be "ENABLED" or "DISABLED"' }),
    variants: z.record(z.string().min(1), z.boolean({ error: 'must be true or false' }), { error: 'must be an object of variants' }),
    defaultVariant: z.string({ error: 'must be the name of a variant' }).nullable().optional(),
    targeting: z.record(z.string(), z.unknown(), { error: 'must be an object (a JsonLogic rule)' }).optional(),
  })
  .refine((flag) => Object.keys(flag.variants).length > 0, { message: 'needs at least one variant', path: ['variants'] })
  .refine((flag) => flag.defaultVariant == null || Object.hasOwn(flag.variants, flag.defaultVariant), { message: 'names no variant', path: ['defaultVariant'] });

/** flagd's messages go nowhere here: the checks below say what is wrong in one line. */
const SILENT = { error() {}, warn() {}, info() {}, debug() {} };

/**
 * Reads and checks a flag file in flagd's JSON: it parses, has `flags`, each
 * of our keys present is a boolean flag whose targeting flagd can compile, and
 * flagd itself accepts the whole file. Keys of ours that are absent take their
 * defaults; other keys are reported (a typo in a key name would otherwise
 * just leave a flag at its default). Throws `FlagFileError` with one line.
 */
export function readFlagFile(path: string): FlagFileContent {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new FlagFileError(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FlagFileError(path, `is not JSON (${(error as Error).message})`);
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new FlagFileError(path, describe(file.error.issues[0]!, []));
  for (const [key, flag] of Object.entries(file.data.flags)) {
    if (!KNOWN_KEYS.has(key)) continue;
    const checked = booleanFlagSchema.safeParse(flag);
    if (!checked.success) throw new FlagFileError(path, describe(checked.error.issues[0]!, ['flags', key]));
  }
  const core = new FlagdCore(undefined, SILENT);
  try {
    core.setConfigurations(text);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    throw new FlagFileError(path, `is not a flagd flag configuration (${cause instanceof Error ? cause.message : (error as Error).message})`);
  }
  for (const key of KNOWN_KEYS) {
    // A rule flagd cannot compile is kept by flagd and answered with the default on every request.
    if (core.getFlag(key) && core.resolveBooleanEvaluation(key, false, { targetingKey: 'check' }, SILENT).errorCode === ErrorCode.PARSE_ERROR) {
      throw new FlagFileError(path, `flags.${key}.targeting is not a rule flagd can evaluate`);
    }
  }
  return { text, unknownKeys: Object.keys(file.data.flags).filter((key) => !KNOWN_KEYS.has(key)) };
}

function describe(issue: z.core.$ZodIssue, prefix: string[]): string {
  const path = [...prefix, ...issue.path.map(String)];
  return path.length ? `${path.join('.')} ${issue.message}` : issue.message;
}
