import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { ProgramWriter } from '../programs/program-writer.js';
import { createLegacyReadPath } from '../reads/legacy/legacy-read-path.js';
import type { ReadPath } from '../reads/read-path.js';
import { SessionWriter } from '../sessions/session-writer.js';

/** What one authenticated caller can do in one request. */
export interface Caller {
  readonly userId: string;
  readonly reads: ReadPath;
  readonly programs: ProgramWriter;
  readonly sessions: SessionWriter;
}

/** Built once per request: its own forked EntityManager, loaders and (later) flag snapshot. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly log: Logger;
  readonly caller: Caller | null;
}

export function createContext(options: { em: EntityManager; userId: string | null; requestId: string; log: Logger }): GraphQLContext {
  const { em, userId, requestId, log } = options;
  const caller: Caller | null = userId
    ? {
        userId,
        reads: createLegacyReadPath(em, userId),
        programs: new ProgramWriter(em, userId),
        sessions: new SessionWriter(em, userId),
      }
    : null;
  return { requestId, log, caller };
}

/** The caller, or UNAUTHENTICATED: every field of this subgraph is per-user. */
export function requireCaller(context: GraphQLContext): Caller {
  if (!context.caller) throw AppError.unauthenticated('sign in: send a Bearer token (or x-user-id in dev-header mode)');
  return context.caller;
}
