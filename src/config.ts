import { z } from 'zod';
import { fraction, milliseconds, oneOf, onOff, portNumber, quoteTyped, wholeNumber } from './config-values.js';
import { flagCombinationProblems } from './flags/flag-snapshot.js';
import { rolloutSchema } from './flags/rollout.js';

/**
 * Configuration from the environment, validated once at start-up. Every
 * problem is reported in one message, so an operator fixes them in one go.
 */
const flagFields = {
  PROGRAM_VERSIONING_WRITES: rolloutSchema.default(0),
  PROGRAM_VERSIONING_READS: rolloutSchema.default(0),
  LEGACY_JSON_WRITES: rolloutSchema.refine((v) => v === 0 || v === 100, 'must be on or off (no percentage)').default(100),
};

const schema = z
  .object({
    NODE_ENV: oneOf(['development', 'production', 'test']).default('development'),
    PORT: portNumber().default(4001),
    METRICS_PORT: portNumber().optional(),
    DATABASE_URL: z.string().url('must be a URL such as postgres://user:password@host:5432/training').optional(),
    MIGRATION_DATABASE_URL: z.string().url('must be a URL such as postgres://owner:password@host:5432/training').optional(),
    DATABASE_READ_URL: z.string().url('must be a URL such as postgres://user:password@replica:5432/training').optional(),
    DATABASE_READ_TIMEOUT_MS: milliseconds(10, 60_000).default(500),
    DATABASE_READ_RETRY_MS: milliseconds(10, 600_000).default(5000),
    ALLOW_PRIVILEGED_DB_ROLE: onOff.default('off'),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: portNumber(1024).default(54329),
    DB_POOL_MAX: wholeNumber(1, 200).default(10),
    DB_ACQUIRE_TIMEOUT_MS: milliseconds(10, 120_000).default(5000),
    DB_STATEMENT_TIMEOUT_MS: milliseconds(10, 600_000).default(5000),
    DB_LOCK_TIMEOUT_MS: milliseconds(10, 600_000).default(2000),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds(10, 600_000).default(10_000),
    SEED_DEMO_DATA: onOff.default('on'),
    SUBGRAPH_SDL: onOff.optional(),
    AUTH_MODE: oneOf(['dev-header', 'jwt']).optional(),
    ALLOW_DEV_HEADER_IN_PRODUCTION: onOff.default('off'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters for HS256').optional(),
    JWKS_URL: z.string().url('must be a URL').optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    ...flagFields,
    FLAGS_FILE: z.string().trim().min(1).optional(),
    SHADOW_READ_SAMPLE: fraction().default(0),
    SHADOW_READ_TIMEOUT_MS: milliseconds(10, 60_000).default(2000),
    LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .transform((env) => ({
    ...env,
    AUTH_MODE: env.AUTH_MODE ?? (env.NODE_ENV === 'production' ? 'jwt' : 'dev-header'),
    // Tests start many servers side by side: any free port, unless told otherwise.
    METRICS_PORT: env.METRICS_PORT ?? (env.NODE_ENV === 'test' ? 0 : 9464),
    // The SDL is the schema: off in production like introspection, unless a gateway composes from it at run time.
    SUBGRAPH_SDL: env.SUBGRAPH_SDL ?? (env.NODE_ENV === 'production' ? 'off' : 'on'),
  }))
  .superRefine((env, ctx) => {
    // Problems between variables: whole sentences, no path (loadConfig prints them as they are).
    const problem = (message: string) => ctx.addIssue({ code: 'custom', path: [], message });
    if (env.AUTH_MODE === 'jwt' && !env.JWT_SECRET && !env.JWKS_URL) problem('AUTH_MODE=jwt needs JWT_SECRET or JWKS_URL');
    if (env.AUTH_MODE === 'jwt' && env.JWT_SECRET && env.JWKS_URL) problem('set JWT_SECRET or JWKS_URL, not both');
    if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) problem('MIGRATION_DATABASE_URL needs DATABASE_URL (the embedded database migrates as its own superuser)');
    if (env.NODE_ENV === 'production' && env.AUTH_MODE === 'dev-header' && env.ALLOW_DEV_HEADER_IN_PRODUCTION !== 'on') {
      problem('AUTH_MODE=dev-header trusts any x-user-id header; refused in production unless ALLOW_DEV_HEADER_IN_PRODUCTION=on');
    }
  });

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration; empty strings count as unset. Throws `ConfigError` listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(defined);
  const problems = [...(result.error?.issues.map((issue) => describeIssue(issue, defined)) ?? []), ...flagSourceProblems(defined)];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/** With a flag file, the file is the only source of flags: a flag set in the environment as well is refused, not silently ignored. */
function flagSourceProblems(typed: Record<string, string | undefined>): string[] {
  if (typed.FLAGS_FILE === undefined) return flagProblems(typed);
  const alsoSet = Object.keys(flagFields).filter((name) => typed[name] !== undefined);
  if (alsoSet.length === 0) return [];
  return [`FLAGS_FILE is set, so the flag file is the only source of flags: unset ${alsoSet.join(', ')} (or FLAGS_FILE)`];
}

/**
 * The flag combination on its own, so it is reported beside problems with
 * other variables, and only when each flag's value is itself valid (a bad
 * value is one problem, not two).
 */
function flagProblems(typed: Record<string, string | undefined>): string[] {
  const writes = flagFields.PROGRAM_VERSIONING_WRITES.safeParse(typed.PROGRAM_VERSIONING_WRITES);
  const reads = flagFields.PROGRAM_VERSIONING_READS.safeParse(typed.PROGRAM_VERSIONING_READS);
  const legacy = flagFields.LEGACY_JSON_WRITES.safeParse(typed.LEGACY_JSON_WRITES);
  if (!writes.success || !reads.success || !legacy.success) return [];
  const rollouts = { PROGRAM_VERSIONING_WRITES: writes.data, PROGRAM_VERSIONING_READS: reads.data, LEGACY_JSON_WRITES: legacy.data };
  return flagCombinationProblems(rollouts, typed);
}

/** `NAME must be …, got "typed"` for one variable; a problem between variables as it is. */
function describeIssue(issue: z.core.$ZodIssue, typed: Record<string, string | undefined>): string {
  const name = issue.path[0];
  if (typeof name !== 'string') return issue.message;
  const value = typed[name];
  return `${name} ${issue.message}${value === undefined ? '' : `, got ${quoteTyped(name, value)}`}`;
}

