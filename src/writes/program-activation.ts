import type { EntityManager } from '@mikro-orm/postgresql';
import { PROGRAM_COLUMNS, programRow, type ProgramRow } from '../db/rows.js';
import { queryRows } from '../db/sql.js';

/**
 * Locks all of the caller's programs: two activations at once run one after
 * the other. Always in id order: rows locked in scan order (which updates
 * shuffle) let two activations deadlock.
 */
export async function lockProgramsOfUser(tx: EntityManager, userId: string): Promise<void> {
  await queryRows(tx, 'lockProgramsOfUser', 'select id from programs where user_id = ? order by id for update', [userId], programRow.pick({ id: true }));
}

/** Makes `id` the caller's one active program (its rows locked first); returns its row. `updated_at` moves only where `is_active` does. */
export async function setActiveProgram(tx: EntityManager, userId: string, id: string): Promise<ProgramRow> {
  // Deactivate first: the unique index is checked row by row.
  await queryRows(tx, 'deactivatePrograms', 'update programs set is_active = false, updated_at = now() where user_id = ? and is_active and id <> ? returning id', [userId, id], programRow.pick({ id: true }));
  const [row] = await queryRows(
    tx,
    'activateProgram',
    `update programs p set is_active = true, updated_at = case when p.is_active then p.updated_at else now() end where p.id = ? returning ${PROGRAM_COLUMNS}`,
    [id],
    programRow,
  );
  return row!;
}
