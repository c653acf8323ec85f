import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PROGRAM_COLUMNS, programRow, type ProgramRow } from '../db/rows.js';
import { queryRows } from '../db/sql.js';
import { inTransaction } from '../db/transaction.js';
import { checkProgram } from '../domain/invariants.js';
import { writeLegacyBlob } from '../domain/legacy-blob.js';
import type { ProgramContent, ProgramDraft } from '../domain/program.js';
import { reconcileIds } from '../domain/reconcile-ids.js';
import { removeWorkout } from '../domain/schedule-repair.js';
import { isUuid } from '../domain/uuid.js';
import { AppError } from '../errors.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import type { ChangeSource, ProgramInput } from '../graphql/generated/resolvers-types.js';
import type { ProgramModel } from '../reads/models.js';
import { contentHash } from '../versions/content-hash.js';
import { currentState, ensureCurrentVersion, lockProgram, recordVersion, type LockedProgram } from '../versions/program-versioning.js';
import { selectVersionIdByNumber } from '../versions/version-store.js';
import { createVersionTreeLoader, requireTree } from '../versions/version-trees.js';
import { programModelOfRow } from './program-content.js';
import { draftOfInput } from './program-input.js';

/**
 * Program writes for one caller. Every write checks the program's invariants
 * before anything is persisted and runs in one transaction with the program
 * row locked. With versioned writes on, the same transaction writes the
 * immutable version (dual write); with legacy writes off (Phase 5) the blob
 * is left as it is.
 */
export class ProgramWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly userId: string,
    private readonly flags: FlagSnapshot,
  ) {}

  async createProgram(input: ProgramInput): Promise<ProgramModel> {
    const { name, draft } = draftOfInput(input);
    assertValid(name, draft);
    // Ids are the server's to give: a new program takes none from the input.
    const content = reconcileIds({ workouts: [], schedule: [] }, draft, randomUUID);
    const id = randomUUID();
    return inTransaction(this.em, async (tx) => {
      // A new row needs a blob (the column is NOT NULL); in Phase 5 this first blob is the only one written.
      const [row] = await queryRows(
        tx,
        'insertProgram',
        `insert into programs as p (id, user_id, name, is_active, program_json) values (?, ?, ?, false, ?::jsonb) returning ${PROGRAM_COLUMNS}`,
        [id, this.userId, name, JSON.stringify(writeLegacyBlob(content))],
        programRow,
      );
      const locked: LockedProgram = { row: row!, currentNumber: 0, currentHash: null };
      return this.commit(tx, locked, { name, content }, name, content, 'USER', { firstVersion: true });
    });
  }

  async modifyProgram(id: string, input: ProgramInput, source: ChangeSource, expected: ExpectedState = {}): Promise<ProgramModel> {
    const { name, draft } = draftOfInput(input);
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
      return this.commit(tx, locked, base, name, reconcileIds(base.content, draft, randomUUID), source);
    });
  }

  async deleteWorkout(programId: string, workoutId: string): Promise<ProgramModel> {
    return inTransaction(this.em, async (tx) => {
      const locked = await this.lock(tx, programId);
      const base = await currentState(tx, locked.row);
      const removed = removeWorkout(base.content, workoutId);
      if (!removed.ok) throw AppError.notFound('Workout', workoutId);
      assertValid(base.name, removed.content);
      return this.commit(tx, locked, base, base.name, removed.content, 'USER');
    });
  }

  async activateProgram(id: string): Promise<ProgramModel> {
    return inTransaction(this.em, async (tx) => {
      // Lock all of the caller's programs: two activations at once run one after the other. Always in
      // id order: rows locked in scan order (which updates shuffle) let two activations deadlock.
      await queryRows(tx, 'lockProgramsOfUser', 'select id from programs where user_id = ? order by id for update', [this.userId], programRow.pick({ id: true }));
      const locked = await this.lock(tx, id);
      // Deactivate first: the unique index is checked row by row.
      await queryRows(tx, 'deactivatePrograms', 'update programs set is_active = false, updated_at = now() where user_id = ? and is_active and id <> ? returning id', [this.userId, id], programRow.pick({ id: true }));
      const [row] = await queryRows(
        tx,
        'activateProgram',
        `update programs p set is_active = true, updated_at = case when p.is_active then p.updated_at else now() end where p.id = ? returning ${PROGRAM_COLUMNS}`,
        [id],
        programRow,
      );
      const activated: LockedProgram = { ...locked, row: row! };
      const base = await currentState(tx, activated.row);
      // Activation changes no content: it only makes sure the program has its version.
      return this.commit(tx, activated, base, base.name, base.content, 'USER');
    });
  }

  async revertProgram(id: string, toVersion: number): Promise<ProgramModel> {
    if (!this.flags.versioningWrites) {
      throw AppError.failedPrecondition('revertProgram needs program versions: PROGRAM_VERSIONING_WRITES is off for this user');
    }
    return inTransaction(this.em, async (tx) => {
      const locked = await this.lock(tx, id);
      const targetId = Number.isInteger(toVersion) && toVersion >= 1 ? await selectVersionIdByNumber(tx, id, toVersion) : null;
      if (!targetId) throw AppError.notFound('ProgramVersion', `${id}@${toVersion}`);
      const target = await requireTree(createVersionTreeLoader(tx, this.userId), targetId);
      const base = await currentState(tx, locked.row);
      return this.commit(tx, locked, base, target.name, target.content, 'REVERT');
    });
  }

  /**
   * Persists `content` as the program's new state: the version first (when
   * versioned writes are on), then the program row — blob, version pointers,
   * name — in one statement. Writes nothing when nothing changes.
   */
  private async commit(
    tx: EntityManager,
    locked: LockedProgram,
    base: { name: string; content: ProgramContent },
    name: string,
    content: ProgramContent,
    source: ChangeSource,
    options: { firstVersion?: boolean } = {},
  ): Promise<ProgramModel> {
    const { row } = locked;
    if (options.firstVersion && !this.flags.versioningWrites) return modelOf(row, content);
    const changed = options.firstVersion || contentHash(name, content) !== contentHash(base.name, base.content);
    let versionId = row.current_version_id;
    let marker = row.legacy_json_version_id;
    let writeBlob = false;
    if (this.flags.versioningWrites) {
      const parent = options.firstVersion ? null : await ensureCurrentVersion(tx, locked, base.content);
      versionId = (await recordVersion(tx, parent, { id: row.id, userId: this.userId }, name, content, source)).id;
      if (options.firstVersion) {
        marker = versionId; // the row was inserted with this very content
      } else if (this.flags.legacyJsonWrites) {
        writeBlob = versionId !== parent?.id || marker !== versionId;
        marker = versionId;
      }
    } else if (this.flags.legacyJsonWrites && changed) {
      writeBlob = true;
      marker = null; // the blob is now newer than any version
    }
    const stale = versionId !== row.current_version_id || marker !== row.legacy_json_version_id;
    if (!changed && !writeBlob && !stale && !options.firstVersion) return { ...modelOf(row, content), name };
    const [updated] = await queryRows(
      tx,
      'updateProgram',
      `update programs p set name = coalesce(?, p.name), program_json = coalesce(?::jsonb, p.program_json), current_version_id = ?, legacy_json_version_id = ?,
         updated_at = case when ? then now() else p.updated_at end
       where p.id = ? returning ${PROGRAM_COLUMNS}`,
      // Phase 5: the legacy content columns (blob and name) stay as they are; the version holds both.
      [this.flags.legacyJsonWrites ? name : null, writeBlob ? JSON.stringify(writeLegacyBlob(content)) : null, versionId, marker, changed && !options.firstVersion, row.id],
      programRow,
    );
    return { ...modelOf(updated!, content), name };
  }

  /** The caller's live program, locked; NOT_FOUND otherwise (unknown and other users' ids alike). */
  private async lock(tx: EntityManager, id: string, withVersion = false): Promise<LockedProgram> {
    const locked = isUuid(id) ? await lockProgram(tx, this.userId, id, { withVersion: withVersion || this.flags.versioningWrites }) : null;
    if (!locked) throw AppError.notFound('Program', id);
    return locked;
  }
}

/** What an edit is based on, for optimistic concurrency; null or absent: not checked. */
export interface ExpectedState {
  /** `Program.revision`: counts every change, in every phase. */
  readonly revision?: number | null;
  /** The current version's number: sees versioned edits only. */
  readonly version?: number | null;
}

/** The model of a written program; its content is what was written, whatever the blob holds. */
function modelOf(row: ProgramRow, content: ProgramContent): ProgramModel {
  return { ...programModelOfRow(row, { skipBlob: true }), content };
}

function assertValid(name: string, content: ProgramDraft | ProgramContent): void {
  const violations = checkProgram({ name, content });
  if (violations.length > 0) throw AppError.invalid('program', violations);
}
