import type { Logger } from 'pino';

/**
 * The four legal per-request flag states. Phases 2 and 3 share one (Phase 3
 * is the backfill, an operation, not a flag state). The writers read the three
 * booleans; the union makes an illegal combination unrepresentable.
 */
export type LegalPhase = Phase1 | Phase2 | Phase4 | Phase5;

/** Legacy only: blobs are the truth. */
export interface Phase1 {
  readonly versioningWrites: false;
  readonly versioningReads: false;
  readonly legacyJsonWrites: true;
}
/** Dual write, legacy reads (and the backfill, Phase 3). */
export interface Phase2 {
  readonly versioningWrites: true;
  readonly versioningReads: false;
  readonly legacyJsonWrites: true;
}
/** Dual write, versioned reads. */
export interface Phase4 {
  readonly versioningWrites: true;
  readonly versioningReads: true;
  readonly legacyJsonWrites: true;
}
/** Versions only: the blob is no longer written. */
export interface Phase5 {
  readonly versioningWrites: true;
  readonly versioningReads: true;
  readonly legacyJsonWrites: false;
}

export type PhaseName = 'phase-1' | 'phase-2/3' | 'phase-4' | 'phase-5';

/** The three flags as a provider evaluated them for one request: any of the 8 combinations. */
export interface EvaluatedFlags {
  readonly versioningWrites: boolean;
  readonly versioningReads: boolean;
  readonly legacyJsonWrites: boolean;
}

const PHASE_1: Phase1 = Object.freeze({ versioningWrites: false, versioningReads: false, legacyJsonWrites: true });
const PHASE_2: Phase2 = Object.freeze({ versioningWrites: true, versioningReads: false, legacyJsonWrites: true });
const PHASE_4: Phase4 = Object.freeze({ versioningWrites: true, versioningReads: true, legacyJsonWrites: true });
const PHASE_5: Phase5 = Object.freeze({ versioningWrites: true, versioningReads: true, legacyJsonWrites: false });

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
export function normaliseFlags(flags: EvaluatedFlags): LegalPhase {
  if (!flags.versioningWrites) return PHASE_1;
  if (!flags.versioningReads) return PHASE_2;
  return flags.legacyJsonWrites ? PHASE_4 : PHASE_5;
}

export function phaseOf(phase: LegalPhase): PhaseName {
  if (!phase.versioningWrites) return 'phase-1';
  if (!phase.versioningReads) return 'phase-2/3';
  return phase.legacyJsonWrites ? 'phase-4' : 'phase-5';
}

export function isLegal(flags: EvaluatedFlags): boolean {
  const legal = normaliseFlags(flags);
  return legal.versioningWrites === flags.versioningWrites && legal.versioningReads === flags.versioningReads && legal.legacyJsonWrites === flags.legacyJsonWrites;
}

/** `writes=off,reads=on,legacy_json_writes=on`: a metric label and log value naming an evaluated combination. */
export function describeFlags(flags: EvaluatedFlags): string {
  const onOff = (value: boolean) => (value ? 'on' : 'off');
  return `writes=${onOff(flags.versioningWrites)},reads=${onOff(flags.versioningReads)},legacy_json_writes=${onOff(flags.legacyJsonWrites)}`;
}

export interface FlagNormalisation {
  readonly userId: string | null;
  readonly evaluated: EvaluatedFlags;
  readonly normalised: LegalPhase;
}

export type NormalisationObserver = (normalisation: FlagNormalisation) => void;

/** Logs each normalisation (warn: a provider handed out a combination outside the rollout plan) and counts it by from/to. */
export function reportNormalisations(log: Logger, counter: { inc(labels: { from: string; to: string }): void }): NormalisationObserver {
  return ({ userId, evaluated, normalised }) => {
    const from = describeFlags(evaluated);
    const to = phaseOf(normalised);
    counter.inc({ from, to });
    log.warn(
      { userId, evaluatedFlags: evaluated, normalisedFlags: normalised, from, to },
      `flag combination ${from} is not a legal phase: normalised to ${to} for this request (no write is dropped)`,
    );
  };
}
