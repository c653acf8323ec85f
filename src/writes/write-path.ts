import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramRow } from '../db/rows.js';
import type { ChangeSource } from '../domain/change-source.js';
import type { ProgramContent } from '../domain/program.js';
import type { LockedProgram } from './program-lock.js';
import type { ProgramState } from './program-state.js';

/** The version rows a history row points at (null where no versions are written). */
export interface SessionVersionRefs {
  readonly programVersionId: string | null;
  readonly workoutVersionId: string | null;
}

/** The versions a set logged now may find its exercise in: the session's, then its program's current one. */
export interface HistoryVersions {
  readonly userId: string;
  readonly sessionVersionId: string | null;
  readonly programVersionId: string | null;
}

/**
 * How one phase stores a write. The writers decide what the new state is
 * (invariants, locking, id reconciliation, conflict checks, schedule repair)
 * once for every phase; a write path only persists it: the legacy blob alone
 * (Phase 1), the blob and an immutable version in the same transaction
 * (Phases 2 to 4), or the version alone (Phase 5). `writePathFor` picks one
 * per request from its phase. Every method runs inside the writer's
 * transaction (`tx`).
 */
export interface WritePath {
  /** Throws FAILED_PRECONDITION where the operation needs program versions and this path writes none. */
  requireVersions(operation: string): void;
  /**
   * Locks the caller's live program for the rest of the transaction; null when
   * there is none. `checksVersion`: the caller compares the current version's
   * number (`expectedVersion`), so it must be read even where versions are not written.
   */
  lockProgram(tx: EntityManager, userId: string, id: string, options: { checksVersion: boolean }): Promise<LockedProgram | null>;
  /** Stores a new program (not active) with its first state; returns its row. */
  createProgram(tx: EntityManager, userId: string, program: ProgramState & { readonly id: string }): Promise<ProgramRow>;
  /**
   * Stores `next` as the new state of a program locked with `lockProgram`,
   * whose state was `base`; returns its row. Writes nothing when nothing changes.
   */
  saveProgram(tx: EntityManager, locked: LockedProgram, base: ProgramState, next: ProgramState, source: ChangeSource): Promise<ProgramRow>;
  /** The version rows a session started now on `workoutId` of the locked program (holding `content`) references. */
  sessionVersions(tx: EntityManager, locked: LockedProgram, content: ProgramContent, workoutId: string): Promise<SessionVersionRefs>;
  /** The exercise version row a set logged now references, or null: looked up in the session's version, then the program's current one. */
  exerciseVersionOf(tx: EntityManager, versions: HistoryVersions, exerciseId: string): Promise<string | null>;
}
