import type { Logger } from 'pino';
import { PHASES, unreachablePhase, type Phase } from './phase.js';

/** What normalisation yields: always one of the four legal phases (the name the flag evaluator uses). */
export type LegalPhase = Phase;

/** The three flags as a provider evaluated them for one request: any of the 8 combinations. */
export interface EvaluatedFlags {
  readonly versioningWrites: boolean;
  readonly versioningReads: boolean;
  readonly legacyJsonWrites: boolean;
}

/**
 * The nearest legal phase on the safe side: no write is ever dropped and no
 * read misses a write.
 * - Versioned writes decide: with them off nothing else may be on (versioned
 *   reads would show versions nobody writes) and the blob is always written
 *   — otherwise a write would store nothing at all.
 * - With them on, the blob may be skipped only where reads are versioned too
 *   (Phase 5); with legacy reads it is written, or the edit would not show.
 * The provider's versioned-writes value is kept as it came: turning it on for
 * a user outside the rollout could skip the blob on the next request's phase.
 */
export function normaliseFlags(flags: EvaluatedFlags): Phase {
  if (!flags.versioningWrites) return PHASES.legacyOnly;
  if (!flags.versioningReads) return PHASES.dualWriteLegacyReads;
  return flags.legacyJsonWrites ? PHASES.dualWriteVersionedReads : PHASES.versionedOnly;
}

/** The flag values that select `phase` exactly: for logs that show flags, and the legality check. */
export function flagsOf(phase: Phase): EvaluatedFlags {
  switch (phase.kind) {
    case 'legacy-only':
      return { versioningWrites: false, versioningReads: false, legacyJsonWrites: true };
    case 'dual-write-legacy-reads':
      return { versioningWrites: true, versioningReads: false, legacyJsonWrites: true };
    case 'dual-write-versioned-reads':
      return { versioningWrites: true, versioningReads: true, legacyJsonWrites: true };
    case 'versioned-only':
      return { versioningWrites: true, versioningReads: true, legacyJsonWrites: false };
    default:
      return unreachablePhase(phase);
  }
}

export function isLegal(flags: EvaluatedFlags): boolean {
  return describeFlags(flagsOf(normaliseFlags(flags))) === describeFlags(flags);
}

/** `writes=off,reads=on,legacy_json_writes=on`: a metric label and log value naming an evaluated combination. */
export function describeFlags(flags: EvaluatedFlags): string {
  const onOff = (value: boolean) => (value ? 'on' : 'off');
  return `writes=${onOff(flags.versioningWrites)},reads=${onOff(flags.versioningReads)},legacy_json_writes=${onOff(flags.legacyJsonWrites)}`;
}

export interface FlagNormalisation {
  readonly userId: string | null;
  readonly evaluated: EvaluatedFlags;
  readonly normalised: Phase;
}

export type NormalisationObserver = (normalisation: FlagNormalisation) => void;

/** Logs each normalisation (warn: a provider handed out a combination outside the rollout plan) and counts it by from/to. */
export function reportNormalisations(log: Logger, counter: { inc(labels: { from: string; to: string }): void }): NormalisationObserver {
  return ({ userId, evaluated, normalised }) => {
    const from = describeFlags(evaluated);
    const to = normalised.name;
    counter.inc({ from, to });
    log.warn(
      { userId, evaluatedFlags: evaluated, normalisedFlags: flagsOf(normalised), from, to },
      `flag combination ${from} is not a legal phase: normalised to ${to} for this user's requests (no write is dropped)`,
    );
  };
}
