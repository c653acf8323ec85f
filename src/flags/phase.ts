/**
 * The four legal per-request migration states, one value per request (built
 * once by `normaliseFlags`, frozen). Phases 2 and 3 share one state: Phase 3
 * is the backfill, an operation, not a flag state. Code that depends on the
 * phase switches on `kind`, exhaustively (`unreachablePhase` in `default`),
 * so a new state cannot be forgotten anywhere.
 */
export type Phase =
  /** Phase 1: the blob is the truth; no versions are written or read. */
  | { readonly kind: 'legacy-only'; readonly name: 'phase-1' }
  /** Phases 2/3: every write also records an immutable version in the same transaction; reads stay on the blob. */
  | { readonly kind: 'dual-write-legacy-reads'; readonly name: 'phase-2/3' }
  /** Phase 4: dual write, reads from the version tables (a sample is shadow-read on the blob and compared). */
  | { readonly kind: 'dual-write-versioned-reads'; readonly name: 'phase-4' }
  /** Phase 5: versions only; the blob and the program's legacy name column are no longer written. */
  | { readonly kind: 'versioned-only'; readonly name: 'phase-5' };

export const PHASES = {
  legacyOnly: Object.freeze({ kind: 'legacy-only', name: 'phase-1' }),
  dualWriteLegacyReads: Object.freeze({ kind: 'dual-write-legacy-reads', name: 'phase-2/3' }),
  dualWriteVersionedReads: Object.freeze({ kind: 'dual-write-versioned-reads', name: 'phase-4' }),
  versionedOnly: Object.freeze({ kind: 'versioned-only', name: 'phase-5' }),
} as const satisfies Record<string, Phase>;

/** Which tables a phase's reads use: metric labels and logs take it from here, never from the flags. */
export function readSideOf(phase: Phase): 'legacy' | 'versioned' {
  switch (phase.kind) {
    case 'legacy-only':
    case 'dual-write-legacy-reads':
      return 'legacy';
    case 'dual-write-versioned-reads':
    case 'versioned-only':
      return 'versioned';
    default:
      return unreachablePhase(phase);
  }
}

/** The `default` of an exhaustive switch on a phase: a compile error when a kind is not handled. */
export function unreachablePhase(phase: never): never {
  throw new Error(`unhandled phase ${JSON.stringify(phase)}`);
}
