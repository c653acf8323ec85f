import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramEntity } from '../db/entities/index.js';
import { programRow, type ProgramRow } from '../db/rows.js';
import { queryRows } from '../db/sql.js';
import { rowOf, writeProgram } from './program-rows.js';

/**
 * Locks all of the caller's programs: two activations at once run one after
 * the other. Always in id order: rows locked in scan order (which updates
 * shuffle) let two activations deadlock.
 */
export async function lockProgramsOfUser(tx: EntityManager, userId: string): Promise<void> {
  await queryRows(tx, 'lockProgramsOfUser', 'select id from programs where user_id = ? order by id for update', [userId], programRow.pick({ id: true }));
}

/** Makes the (locked) program the caller's one active program; returns its row. `updated_at` moves only where `is_active` does. */
export async function setActiveProgram(tx: EntityManager, userId: string, program: ProgramEntity): Promise<ProgramRow> {
  // Deactivate first, in its own statement: the unique index is checked row by row.
  await queryRows(
    tx,
    'deactivatePrograms',
    'update programs set is_active = false, updated_at = now() where user_id = ? and is_active and id <> ? returning id',
    [userId, program.id],
    programRow.pick({ id: true }),
  );
  if (!program.isActive) await writeProgram(tx, program, { isActive: true, touch: true });
  return rowOf(program);
}
