import { randomUUID } from 'node:crypto';
import { OpenFeature, type Client, type EvaluationContext, type Provider } from '@openfeature/server-sdk';
import { EnvFlagProvider } from './env-flag-provider.js';
import { isLegal, normaliseFlags, type LegalPhase, type NormalisationObserver } from './legal-phase.js';

/** The flag keys, as the environment variables that set them (README, Flags and phases). */
export const FLAG = {
  versioningWrites: 'PROGRAM_VERSIONING_WRITES',
  versioningReads: 'PROGRAM_VERSIONING_READS',
  legacyJsonWrites: 'LEGACY_JSON_WRITES',
} as const;

/**
 * The effective flags of one request, evaluated once for its caller and
 * frozen: always one of the four legal phases.
 * - `versioningWrites`: writes also create immutable versions (dual write);
 * - `versioningReads`: reads use the version tables; only where `versioningWrites` is;
 * - `legacyJsonWrites`: writes still update `programs.program_json` (false in Phase 5 only).
 */
export type FlagSnapshot = LegalPhase;

export interface FlagRollouts {
  readonly PROGRAM_VERSIONING_WRITES: number;
  readonly PROGRAM_VERSIONING_READS: number;
  readonly LEGACY_JSON_WRITES: number;
}

export type FlagEvaluator = (userId: string | null) => Promise<FlagSnapshot>;

/**
 * Registers the provider (the environment's unless another is given) under a
 * domain of its own (several apps may share a process in tests) and returns
 * the per-request evaluator. A provider that evaluates per user at run time
 * (a flag file, a flag service) can hand one request a combination outside
 * the four legal phases: it is normalised to the nearest safe one and
 * reported to `onNormalised`.
 */
export function createFlagEvaluator(
  rollouts: FlagRollouts,
  provider: Provider = new EnvFlagProvider({ ...rollouts }),
  onNormalised: NormalisationObserver = () => {},
): FlagEvaluator {
  const domain = `training-subgraph-${randomUUID()}`;
  OpenFeature.setProvider(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  return async (userId) => {
    const context: EvaluationContext = userId ? { targetingKey: userId } : {};
    const [writes, reads, legacy] = await Promise.all([
      client.getBooleanValue(FLAG.versioningWrites, false, context),
      client.getBooleanValue(FLAG.versioningReads, false, context),
      client.getBooleanValue(FLAG.legacyJsonWrites, true, context),
    ]);
    const evaluated = { versioningWrites: writes, versioningReads: reads, legacyJsonWrites: legacy };
    const normalised = normaliseFlags(evaluated);
    if (!isLegal(evaluated)) onNormalised({ userId, evaluated, normalised });
    return normalised;
  };
}

/** The default of each flag, as an operator would type it. */
const FLAG_DEFAULTS: Readonly<Record<keyof FlagRollouts, string>> = {
  PROGRAM_VERSIONING_WRITES: 'off',
  PROGRAM_VERSIONING_READS: 'off',
  LEGACY_JSON_WRITES: 'on',
};

/**
 * Every problem with a flag combination (the legal phases), for the start-up check.
 * `typed` holds the values as the operator typed them, quoted back in the
 * messages; a flag missing from it is shown as its default.
 */
export function flagCombinationProblems(r: FlagRollouts, typed: Partial<Record<string, string>> = {}): string[] {
  const shown = (name: keyof FlagRollouts) => {
    const value = typed[name];
    return value === undefined ? `unset, so ${FLAG_DEFAULTS[name]}` : JSON.stringify(value);
  };
  const problems: string[] = [];
  if (r.PROGRAM_VERSIONING_READS > r.PROGRAM_VERSIONING_WRITES) {
    problems.push(
      `PROGRAM_VERSIONING_READS=${typed.PROGRAM_VERSIONING_READS ?? FLAG_DEFAULTS.PROGRAM_VERSIONING_READS} needs PROGRAM_VERSIONING_WRITES at least as high (it is ${shown('PROGRAM_VERSIONING_WRITES')}): versioned reads need versioned writes; roll out WRITES first, and roll back READS first`,
    );
  }
  if (r.LEGACY_JSON_WRITES === 0 && (r.PROGRAM_VERSIONING_READS < 100 || r.PROGRAM_VERSIONING_WRITES < 100)) {
    problems.push(
      `LEGACY_JSON_WRITES=${typed.LEGACY_JSON_WRITES ?? 'off'} needs PROGRAM_VERSIONING_WRITES=on and PROGRAM_VERSIONING_READS=on (they are ${shown('PROGRAM_VERSIONING_WRITES')} and ${shown('PROGRAM_VERSIONING_READS')})`,
    );
  }
  return problems;
}
