import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramRow } from '../db/rows.js';
import { inTransaction } from '../db/transaction.js';
import type { ChangeSource } from '../domain/change-source.js';
import { checkProgram } from '../domain/invariants.js';
import type { ProgramContent, ProgramDraft, ProgramEdit } from '../domain/program.js';
import { reconcileIds } from '../domain/reconcile-ids.js';
import { removeWorkout } from '../domain/schedule-repair.js';
import { isUuid } from '../domain/uuid.js';
import { AppError } from '../errors.js';
import { programModelOfRow } from '../store/program-content.js';
import type { ProgramModel } from '../models/read-models.js';
import { selectVersionIdByNumber } from '../store/version-store.js';
import { createVersionTreeLoader, requireTree } from '../store/version-tree-loader.js';
import { lockProgramsOfUser, setActiveProgram } from './program-activation.js';
import { currentState, type LockedProgram } from './program-lock.js';
import type { ProgramState } from './program-state.js';
import type { WritePath } from './write-path.js';

/** What an edit is based on, for optimistic concurrency; null or absent: not checked. */
export interface ExpectedState {
  /** `Program.revision`: counts every change, in every phase. */
  readonly revision?: number | null;
  /** The current version's number: sees versioned edits only. */
  readonly version?: number | null;
}

/**
 * Program commands for one caller. Each decides the program's new state the
 * same way in every phase — invariants checked before anything is stored, the
 * program row locked, ids reconciled, conflicts checked, the schedule repaired
 * — in one transaction, and hands "store this state" to the request's write
 * path (legacy only, dual write or versioned only).
 */
export class ProgramWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly userId: string,
    private readonly path: WritePath,
  ) {}

  async createProgram({ name, draft }: ProgramEdit): Promise<ProgramModel> {
    assertValid(name, draft);
    // Ids are the server's to give: a new program takes none from the input.
    const content = reconcileIds({ workouts: [], schedule: [] }, draft, randomUUID);
    const id = randomUUID();
    return inTransaction(this.em, async (tx) => modelOf(await this.path.createProgram(tx, this.userId, { id, name, content }), { name, content }));
  }

  async modifyProgram(id: string, { name, draft }: ProgramEdit, source: ChangeSource, expected: ExpectedState = {}): Promise<ProgramModel> {
    assertValid(name, draft);
    const { version: expectedVersion = null, revision: expectedRevision = null } = expected;
    return inTransaction(this.em, async (tx) => {
      // The row is read after the lock is granted, so its revision is the last committed one.
      const locked = await this.lock(tx, id, expectedVersion !== null);
      if (expectedRevision !== null && expectedRevision !== locked.row.revision) {
        throw AppError.conflict(`program ${id} is at revision ${locked.row.revision}, not ${expectedRevision}: reload it and apply the edit again`, {
          expectedRevision,
          currentRevision: locked.row.revision,
        });
      }
      if (expectedVersion !== null && expectedVersion !== locked.currentNumber) {
        throw AppError.conflict(`program ${id} is at version ${locked.currentNumber}, not ${expectedVersion}: reload it and apply the edit again`, {
          expectedVersion,
          currentVersion: locked.currentNumber,
        });
      }
      const base = await currentState(tx, locked.row);
      return this.save(tx, locked, base, { name, content: reconcileIds(base.content, draft, randomUUID) }, source);
    });
  }

  async deleteWorkout(programId: string, workoutId: string): Promise<ProgramModel> {
    return inTransaction(this.em, async (tx) => {
      const locked = await this.lock(tx, programId);
      const base = await currentState(tx, locked.row);
      const removed = removeWorkout(base.content, workoutId);
      if (!removed.ok) throw AppError.notFound('Workout', workoutId);
      assertValid(base.name, removed.content);
      return this.save(tx, locked, base, { name: base.name, content: removed.content }, 'USER');
    });
  }

  async activateProgram(id: string): Promise<ProgramModel> {
    return inTransaction(this.em, async (tx) => {
      await lockProgramsOfUser(tx, this.userId);
      const locked = await this.lock(tx, id);
      const activated: LockedProgram = { ...locked, row: await setActiveProgram(tx, this.userId, locked.program) };
      const base = await currentState(tx, activated.row);
      // Activation changes no content: it only makes sure the program has its version where versions are written.
      return this.save(tx, activated, base, base, 'USER');
    });
  }

  async revertProgram(id: string, toVersion: number): Promise<ProgramModel> {
    this.path.requireVersions('revertProgram');
    return inTransaction(this.em, async (tx) => {
      const locked = await this.lock(tx, id);
      const targetId = Number.isInteger(toVersion) && toVersion >= 1 ? await selectVersionIdByNumber(tx, id, toVersion) : null;
      if (!targetId) throw AppError.notFound('ProgramVersion', `${id}@${toVersion}`);
      const target = await requireTree(createVersionTreeLoader(tx, this.userId), targetId);
      const base = await currentState(tx, locked.row);
      return this.save(tx, locked, base, { name: target.name, content: target.content }, 'REVERT');
    });
  }

  private async save(tx: EntityManager, locked: LockedProgram, base: ProgramState, next: ProgramState, source: ChangeSource): Promise<ProgramModel> {
    return modelOf(await this.path.saveProgram(tx, locked, base, next, source), next);
  }

  /** The caller's live program, locked; NOT_FOUND otherwise (unknown and other users' ids alike). */
  private async lock(tx: EntityManager, id: string, checksVersion = false): Promise<LockedProgram> {
    const locked = isUuid(id) ? await this.path.lockProgram(tx, this.userId, id, { checksVersion }) : null;
    if (!locked) throw AppError.notFound('Program', id);
    return locked;
  }
}

/** The model of a written program: its name and content are what was written, whatever the row's legacy columns hold. */
function modelOf(row: ProgramRow, state: ProgramState): ProgramModel {
  return { ...programModelOfRow(row, { skipBlob: true }), name: state.name, content: state.content };
}

function assertValid(name: string, content: ProgramDraft | ProgramContent): void {
  const violations = checkProgram({ name, content });
  if (violations.length > 0) throw AppError.invalid('program', violations);
}
