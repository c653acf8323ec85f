import { z } from 'zod';
import { flagCombinationProblems } from './flags/flag-snapshot.js';
import { rolloutSchema } from './flags/rollout.js';

/**
 * Configuration from the environment, validated once at start-up. Every
 * problem is reported in one message, so an operator fixes them in one go.
 */
const onOff = z.enum(['on', 'off']);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    DATABASE_URL: z.string().url().optional(),
    MIGRATION_DATABASE_URL: z.string().url().optional(),
    ALLOW_PRIVILEGED_DB_ROLE: onOff.default('off'),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(10).max(120_000).default(5000),
    SEED_DEMO_DATA: onOff.default('on'),
    SUBGRAPH_SDL: onOff.optional(),
    AUTH_MODE: z.enum(['dev-header', 'jwt']).optional(),
    ALLOW_DEV_HEADER_IN_PRODUCTION: onOff.default('off'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters for HS256').optional(),
    JWKS_URL: z.string().url().optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    PROGRAM_VERSIONING_WRITES: rolloutSchema.default(0),
    PROGRAM_VERSIONING_READS: rolloutSchema.default(0),
    LEGACY_JSON_WRITES: rolloutSchema.default(100),
    SHADOW_READ_SAMPLE: z.coerce.number().min(0, 'must be 0–1').max(1, 'must be 0–1').default(0),
    SHADOW_READ_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
    if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['MIGRATION_DATABASE_URL'], message: 'needs DATABASE_URL (the embedded database migrates as its own superuser)' });
    }
    if (env.LEGACY_JSON_WRITES !== 0 && env.LEGACY_JSON_WRITES !== 100) {
      ctx.addIssue({ code: 'custom', path: ['LEGACY_JSON_WRITES'], message: 'must be on or off (no percentage)' });
    }
    for (const problem of flagCombinationProblems(env)) ctx.addIssue({ code: 'custom', path: ['flags'], message: problem });
    if (env.AUTH_MODE === 'jwt' && !env.JWT_SECRET && !env.JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'AUTH_MODE=jwt needs JWT_SECRET or JWKS_URL' });
    }
    if (env.AUTH_MODE === 'jwt' && env.JWT_SECRET && env.JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['JWKS_URL'], message: 'set JWT_SECRET or JWKS_URL, not both' });
    }
    if (env.NODE_ENV === 'production' && env.AUTH_MODE === 'dev-header' && env.ALLOW_DEV_HEADER_IN_PRODUCTION !== 'on') {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_MODE'],
        message: 'dev-header trusts any x-user-id header; refused in production unless ALLOW_DEV_HEADER_IN_PRODUCTION=on',
      });
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
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  return result.data;
}
