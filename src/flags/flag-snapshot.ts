import { randomUUID } from 'node:crypto';
import { OpenFeature, type Client, type EvaluationContext } from '@openfeature/server-sdk';
import { EnvFlagProvider } from './env-flag-provider.js';

/** The flag keys, as the environment variables that set them (DESIGN §5). */
export const FLAG = {
  versioningWrites: 'PROGRAM_VERSIONING_WRITES',
  versioningReads: 'PROGRAM_VERSIONING_READS',
  legacyJsonWrites: 'LEGACY_JSON_WRITES',
} as const;

/** The effective flags of one request, evaluated once for its caller and frozen. */
export interface FlagSnapshot {
  /** Writes also create immutable versions (dual write). */
  readonly versioningWrites: boolean;
  /** Reads use the version tables; only ever true where `versioningWrites` is. */
  readonly versioningReads: boolean;
  /** Writes still update `programs.program_json` (false in Phase 5). */
  readonly legacyJsonWrites: boolean;
}

export interface FlagRollouts {
  readonly PROGRAM_VERSIONING_WRITES: number;
  readonly PROGRAM_VERSIONING_READS: number;
  readonly LEGACY_JSON_WRITES: number;
}

export type FlagEvaluator = (userId: string | null) => Promise<FlagSnapshot>;

/**
 * Registers the environment provider under a domain of its own (several apps
 * may share a process in tests) and returns the per-request evaluator.
 */
export function createFlagEvaluator(rollouts: FlagRollouts, provider = new EnvFlagProvider({ ...rollouts })): FlagEvaluator {
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
    return Object.freeze({ versioningWrites: writes, versioningReads: reads && writes, legacyJsonWrites: legacy });
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
