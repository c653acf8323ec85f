import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { ProgramWriter } from '../programs/program-writer.js';
import { createLegacyReadPath } from '../reads/legacy/legacy-read-path.js';
import type { ReadPath } from '../reads/read-path.js';
import { snapshotReader } from '../reads/read-snapshot.js';
import { withShadowReads, type ShadowReadCounter } from '../reads/shadow/shadow-read-path.js';
import { createVersionedReadPath } from '../reads/versioned/versioned-read-path.js';
import { SessionWriter } from '../sessions/session-writer.js';
import { createVersionReads, type VersionReads } from '../versions/version-reads.js';

/** What one authenticated caller can do in one request. */
export interface Caller {
  readonly userId: string;
  readonly reads: ReadPath;
  readonly versions: VersionReads;
  readonly programs: ProgramWriter;
  readonly sessions: SessionWriter;
}

/** Built once per request: its own forked EntityManager, loaders and flag snapshot. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly log: Logger;
  readonly flags: FlagSnapshot;
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
  readonly flags: FlagSnapshot;
  readonly requestId: string;
  readonly log: Logger;
  readonly shadow?: ShadowReadOptions;
}

/**
 * The one place where the flag snapshot picks the read path: versioned where
 * PROGRAM_VERSIONING_READS is effective for the caller, else legacy. While the
 * legacy blob is still written (Phase 4), a sample of versioned requests is
 * read again on both paths, in one snapshot on a connection of its own, and
 * compared.
 */
function readPathFor(em: EntityManager, userId: string, flags: FlagSnapshot, log: Logger, shadow?: ShadowReadOptions): ReadPath {
  if (!flags.versioningReads) return createLegacyReadPath(em, userId);
  const versioned = createVersionedReadPath(em, userId);
  if (!shadow || !flags.legacyJsonWrites || Math.random() >= shadow.sample) return versioned;
  const readBoth = snapshotReader(em, userId, { statementTimeoutMs: shadow.timeoutMs });
  return withShadowReads(versioned, readBoth, { counter: shadow.metrics.shadowReads, log, timeoutMs: shadow.timeoutMs });
}

export function createContext({ em, userId, flags, requestId, log, shadow }: ContextOptions): GraphQLContext {
  const caller: Caller | null = userId
    ? {
        userId,
        reads: readPathFor(em, userId, flags, log, shadow),
        versions: createVersionReads(em, userId),
        programs: new ProgramWriter(em, userId, flags),
        sessions: new SessionWriter(em, userId, flags),
      }
    : null;
  return { requestId, log: log.child({ userId, flags }), flags, caller };
}

/** The caller, or UNAUTHENTICATED: every field of this subgraph is per-user. */
export function requireCaller(context: GraphQLContext): Caller {
  if (!context.caller) throw AppError.unauthenticated('sign in: send a Bearer token (or x-user-id in dev-header mode)');
  return context.caller;
}
