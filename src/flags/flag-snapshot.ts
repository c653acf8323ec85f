import { randomUUID } from 'node:crypto';
import { ErrorCode, OpenFeature, ProviderEvents, type Client, type EvaluationContext, type EvaluationDetails, type Provider } from '@openfeature/server-sdk';
import { LRUCache } from 'lru-cache';
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

/** Users whose flags are kept between their requests (the least recently seen make room). */
export const KEPT_FLAG_USERS = 50_000;
/**
 * How long a user's kept flags serve at most, even if the provider reports
 * no change: the bound for a provider that misses one, or a flag file rule
 * that depends on the time.
 */
export const KEPT_FLAGS_MS = 60_000;

/**
 * Registers the provider (the environment's unless another is given) under a
 * domain of its own (several apps may share a process in tests) and returns
 * the per-request evaluator. A provider that evaluates per user at run time
 * (a flag file, a flag service) can hand one request a combination outside
 * the four legal phases: it is normalised to the nearest safe one and
 * reported to `onNormalised` (once per user while the flags stay as they
 * are, where they are kept; see below).
 *
 * A user's flags are kept between requests when the provider says when they
 * change: the environment's never do; a provider with OpenFeature events
 * (the flag file's) reports `ConfigurationChanged`, which drops every kept
 * answer (as do `Ready`, `Stale` and `Error`: a flag service reconnected or
 * lost), as does `KEPT_FLAGS_MS`. Evaluating three flags through the
 * OpenFeature client cost a tenth of a millisecond per request, and its
 * promise chains were the largest share of what survived a minor
 * collection, which is what makes full collections come often (`npm run
 * profile` with a heap sampling, bench/README.md). A provider without
 * events is asked on every request, as is any evaluation that reported an
 * error other than a flag the provider does not have (never kept).
 */
export function createFlagEvaluator(
  rollouts: FlagRollouts,
  provider: Provider = new EnvFlagProvider({ ...rollouts }),
  onNormalised: NormalisationObserver = () => {},
): FlagEvaluator {
  const domain = `training-subgraph-${randomUUID()}`;
  OpenFeature.setProvider(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  const evaluate = async (userId: string | null): Promise<{ snapshot: FlagSnapshot; keepable: boolean }> => {
    const context: EvaluationContext = userId ? { targetingKey: userId } : {};
    const [writes, reads, legacy] = await Promise.all([
      client.getBooleanDetails(FLAG.versioningWrites, false, context),
      client.getBooleanDetails(FLAG.versioningReads, false, context),
      client.getBooleanDetails(FLAG.legacyJsonWrites, true, context),
    ]);
    const evaluated = { versioningWrites: writes.value, versioningReads: reads.value, legacyJsonWrites: legacy.value };
    const normalised = normaliseFlags(evaluated);
    if (!isLegal(evaluated)) onNormalised({ userId, evaluated, normalised });
    return { snapshot: normalised, keepable: [writes, reads, legacy].every(answersUntilChanged) };
  };
  if (!(provider instanceof EnvFlagProvider) && !provider.events) return async (userId) => (await evaluate(userId)).snapshot;

  const kept = new LRUCache<string, FlagSnapshot>({ max: KEPT_FLAG_USERS, ttl: KEPT_FLAGS_MS });
  /** Moves on at every change, so that an evaluation that began before one is not kept after it. */
  let generation = 0;
  // A change of flags, and any change of the provider's state (a flag service reconnected, or lost).
  for (const event of [ProviderEvents.ConfigurationChanged, ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Error]) {
    provider.events?.addHandler(event, () => {
      generation++;
      kept.clear();
    });
  }
  return async (userId) => {
    const key = userId ?? '';
    const hit = kept.get(key);
    if (hit) return hit;
    const began = generation;
    const { snapshot, keepable } = await evaluate(userId);
    if (keepable && began === generation) kept.set(key, snapshot);
    return snapshot;
  };
}

/**
 * An evaluation to keep: one without error, or a flag the provider does not
 * have (a key left out of the flag file takes its default until the file
 * changes, which the provider reports). Any other error is asked again.
 */
function answersUntilChanged(details: EvaluationDetails<boolean>): boolean {
  return details.errorCode === undefined || details.errorCode === ErrorCode.FLAG_NOT_FOUND;
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
