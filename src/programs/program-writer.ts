import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../db/sql.js';
import { inTransaction } from '../db/transaction.js';
import type { ProgramRow } from '../db/rows.js';
import { checkProgram } from '../domain/invariants.js';
import { writeLegacyBlob } from '../domain/legacy-blob.js';
import type { ProgramContent } from '../domain/program.js';
import { reconcileIds } from '../domain/reconcile-ids.js';
import { removeWorkout } from '../domain/schedule-repair.js';
import { isUuid } from '../domain/uuid.js';
import { AppError } from '../errors.js';
import type { ChangeSource, ProgramInput } from '../graphql/generated/resolvers-types.js';
import type { ProgramModel } from '../reads/models.js';
import { contentOfRow, programModelOfRow } from './program-content.js';
import { draftOfInput } from './program-input.js';
import { selectProgramsByIds } from './program-store.js';

/**
 * Program writes for one caller. Every write checks the program's invariants
 * before anything is persisted and runs in one transaction with the program
 * row locked, so concurrent edits of one program apply one after the other.
 */
export class ProgramWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly userId: string,
  ) {}

  async createProgram(input: ProgramInput): Promise<ProgramModel> {
    const { name, draft } = draftOfInput(input);
    assertValid(name, draft);
    // Ids are the server's to give: a new program takes none from the input.
    const content = reconcileIds({ workouts: [], schedule: [] }, draft, randomUUID);
    const id = randomUUID();
    return inTransaction(this.em, async (tx) => {
      await execute(
        tx,
        'insertProgram',
        'insert into programs (id, user_id, name, is_active, program_json) values (?, ?, ?, false, ?::jsonb)',
        [id, this.userId, name, JSON.stringify(writeLegacyBlob(content))],
      );
      return this.reload(tx, id);
    });
  }

  async modifyProgram(id: string, input: ProgramInput, _source: ChangeSource): Promise<ProgramModel> {
    const { name, draft } = draftOfInput(input);
    assertValid(name, draft);
    return inTransaction(this.em, async (tx) => {
      const row = await this.lock(tx, id);
      const content = reconcileIds(contentOfRow(row), draft, randomUUID);
      await this.writeContent(tx, row, name, content);
      return this.reload(tx, id);
    });
  }

  async deleteWorkout(programId: string, workoutId: string): Promise<ProgramModel> {
    return inTransaction(this.em, async (tx) => {
      const row = await this.lock(tx, programId);
      const removed = removeWorkout(contentOfRow(row), workoutId);
      if (!removed.ok) throw AppError.notFound('Workout', workoutId);
      assertValid(row.name, removed.content);
      await this.writeContent(tx, row, row.name, removed.content);
      return this.reload(tx, programId);
    });
  }

  async activateProgram(id: string): Promise<ProgramModel> {
    return inTransaction(this.em, async (tx) => {
      // Lock all of the caller's programs: two activations at once then run one
      // after the other, and the second sees the first's result.
      await execute(tx, 'lockProgramsOfUser', 'select id from programs where user_id = ? for update', [this.userId]);
      await this.lock(tx, id);
      // Deactivate first: the unique index is checked row by row, so one statement
      // swapping both rows could momentarily see two active programs.
      await execute(tx, 'deactivatePrograms', 'update programs set is_active = false, updated_at = now() where user_id = ? and is_active and id <> ?', [
        this.userId,
        id,
      ]);
      await execute(tx, 'activateProgram', 'update programs set is_active = true, updated_at = now() where id = ? and not is_active', [id]);
      return this.reload(tx, id);
    });
  }

  private async writeContent(tx: EntityManager, row: ProgramRow, name: string, content: ProgramContent): Promise<void> {
    await execute(tx, 'updateProgramContent', 'update programs set name = ?, program_json = ?::jsonb, updated_at = now() where id = ?', [
      name,
      JSON.stringify(writeLegacyBlob(content)),
      row.id,
    ]);
  }

  /** The caller's live program, locked for the rest of the transaction; NOT_FOUND otherwise. */
  private async lock(tx: EntityManager, id: string): Promise<ProgramRow> {
    if (!isUuid(id)) throw AppError.notFound('Program', id);
    const [row] = await selectProgramsByIds(tx, this.userId, [id], { includeDeleted: false, forUpdate: true });
    if (!row) throw AppError.notFound('Program', id);
    return row;
  }

  private async reload(tx: EntityManager, id: string): Promise<ProgramModel> {
    const [row] = await selectProgramsByIds(tx, this.userId, [id], { includeDeleted: false });
    if (!row) throw new Error(`program ${id} vanished inside its own write transaction`);
    return programModelOfRow(row);
  }
}

function assertValid(name: string, content: Parameters<typeof checkProgram>[0]['content']): void {
  const violations = checkProgram({ name, content });
  if (violations.length > 0) throw AppError.invalid('program', violations);
}
