import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { ProgramWriter } from '../programs/program-writer.js';
import { createLegacyReadPath } from '../reads/legacy/legacy-read-path.js';
import type { ReadPath } from '../reads/read-path.js';
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

export interface ContextOptions {
  readonly em: EntityManager;
  readonly userId: string | null;
  readonly flags: FlagSnapshot;
  readonly requestId: string;
  readonly log: Logger;
}

export function createContext({ em, userId, flags, requestId, log }: ContextOptions): GraphQLContext {
  const caller: Caller | null = userId
    ? {
        userId,
        reads: createLegacyReadPath(em, userId),
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
