import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { flagsOf } from '../flags/legal-phase.js';
import { unreachablePhase, type Phase } from '../flags/phase.js';
import { createLegacyReadPath } from '../reads/legacy/legacy-read-path.js';
import type { ReadPath } from '../reads/read-path.js';
import { snapshotReader } from '../reads/read-snapshot.js';
import { withShadowReads, type ShadowReadCounter } from '../reads/shadow/shadow-read-path.js';
import { createVersionedReadPath } from '../reads/versioned/versioned-read-path.js';
import { createVersionReads, type VersionReads } from '../reads/version-reads.js';
import { dualWritePath } from '../writes/dual/dual-write-path.js';
import { legacyWritePath } from '../writes/legacy/legacy-write-path.js';
import { ProgramWriter } from '../writes/program-writer.js';
import { SessionWriter } from '../writes/session-writer.js';
import { versionedWritePath } from '../writes/versioned/versioned-write-path.js';
import type { WritePath } from '../writes/write-path.js';

/** What one authenticated caller can do in one request. */
export interface Caller {
  readonly userId: string;
  readonly reads: ReadPath;
  /** Whether this request's reads are read again on both paths and compared (a Phase 4 shadow-read sample): such a request must execute. */
  readonly readsCompared: boolean;
  readonly versions: VersionReads;
  readonly programs: ProgramWriter;
  readonly sessions: SessionWriter;
}

/** Built once per request: its own forked EntityManager, loaders and phase. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly log: Logger;
  /** The request's migration phase, from its one flag evaluation. */
  readonly phase: Phase;
  readonly caller: Caller | null;
}

export interface ShadowReadOptions {
  /** Share of versioned-read requests that are also read on the legacy path and compared (0–1). */
  readonly sample: number;
  readonly timeoutMs: number;
  /** The server's metrics (only the shadow-read counter is used here). */
  readonly metrics: { readonly shadowReads: ShadowReadCounter };
}

export interface ContextOptions {
  readonly em: EntityManager;
  readonly userId: string | null;
  readonly phase: Phase;
  readonly requestId: string;
  /** The server's logger: the request's lines go through one child of it, bound to the request, caller and phase. */
  readonly log: Logger;
  readonly shadow?: ShadowReadOptions;
}

/**
 * The one place where the phase picks the read path: legacy in Phases 1 to
 * 3, versioned in 4 and 5. While the legacy blob is still written (Phase 4),
 * a sample of versioned requests is read again on both paths, in one snapshot
 * on a connection of its own, and compared.
 */
function readPathFor(em: EntityManager, userId: string, phase: Phase, log: Logger, shadow?: ShadowReadOptions): Pick<Caller, 'reads' | 'readsCompared'> {
  switch (phase.kind) {
    case 'legacy-only':
    case 'dual-write-legacy-reads':
      return { reads: createLegacyReadPath(em, userId), readsCompared: false };
    case 'dual-write-versioned-reads': {
      const versioned = createVersionedReadPath(em, userId);
      if (!shadow || Math.random() >= shadow.sample) return { reads: versioned, readsCompared: false };
      const readBoth = snapshotReader(em, userId, { statementTimeoutMs: shadow.timeoutMs });
      return { reads: withShadowReads(versioned, readBoth, { counter: shadow.metrics.shadowReads, log, timeoutMs: shadow.timeoutMs }), readsCompared: true };
    }
    case 'versioned-only':
      return { reads: createVersionedReadPath(em, userId), readsCompared: false };
    default:
      return unreachablePhase(phase);
  }
}

/**
 * The one place where the phase picks the write path: the blob alone in
 * Phase 1, the blob and a version in the same transaction in Phases 2 to 4,
 * the version alone in Phase 5.
 */
export function writePathFor(phase: Phase): WritePath {
  switch (phase.kind) {
    case 'legacy-only':
      return legacyWritePath;
    case 'dual-write-legacy-reads':
    case 'dual-write-versioned-reads':
      return dualWritePath;
    case 'versioned-only':
      return versionedWritePath;
    default:
      return unreachablePhase(phase);
  }
}

export function createContext({ em, userId, phase, requestId, log: serverLog, shadow }: ContextOptions): GraphQLContext {
  // One child logger per request, with everything its lines carry (`flags` as operators set them, beside the phase they make).
  const log = serverLog.child({ requestId, userId, phase: phase.name, flags: flagsOf(phase) });
  const writes = writePathFor(phase);
  const caller: Caller | null = userId
    ? {
        userId,
        ...readPathFor(em, userId, phase, log, shadow),
        versions: createVersionReads(em, userId),
        programs: new ProgramWriter(em, userId, writes),
        sessions: new SessionWriter(em, userId, writes),
      }
    : null;
  return { requestId, log, phase, caller };
}

/** The caller, or UNAUTHENTICATED: every field of this subgraph is per-user. */
export function requireCaller(context: GraphQLContext): Caller {
  if (!context.caller) throw AppError.unauthenticated('sign in: send a Bearer token (or x-user-id in dev-header mode)');
  return context.caller;
}
