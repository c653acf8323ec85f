import { randomUUID } from 'node:crypto';
import { OpenFeature, type Client, type EvaluationContext, type Provider } from '@openfeature/server-sdk';
import { EnvFlagProvider } from './env-flag-provider.js';
import { isLegal, normaliseFlags, type LegalPhase, type NormalisationObserver } from './legal-phase.js';

/** The flag keys, as the environment variables that set them (DESIGN §5). */
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

/** Every problem with a flag combination (DESIGN §5), for the start-up check. */
export function flagCombinationProblems(r: FlagRollouts): string[] {
  const problems: string[] = [];
  if (r.PROGRAM_VERSIONING_READS > r.PROGRAM_VERSIONING_WRITES) {
    problems.push(
      `PROGRAM_VERSIONING_READS (${r.PROGRAM_VERSIONING_READS}%) must not exceed PROGRAM_VERSIONING_WRITES (${r.PROGRAM_VERSIONING_WRITES}%): versioned reads need versioned writes (roll back READS first, then WRITES)`,
    );
  }
  if (r.LEGACY_JSON_WRITES < 100 && (r.PROGRAM_VERSIONING_READS < 100 || r.PROGRAM_VERSIONING_WRITES < 100)) {
    problems.push('LEGACY_JSON_WRITES=off is allowed only with PROGRAM_VERSIONING_WRITES=on and PROGRAM_VERSIONING_READS=on');
  }
  return problems;
}
