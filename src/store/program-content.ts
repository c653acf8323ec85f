import { readLegacyBlob } from '../domain/legacy-blob.js';
import type { ProgramContent } from '../domain/program.js';
import type { ProgramRow } from '../db/rows.js';
import type { ProgramModel } from '../models/read-models.js';

const EMPTY: ProgramContent = { workouts: [], schedule: [] };

/**
 * The content a legacy row shows: what its blob holds that can be read. A blob
 * that cannot be read as a program at all shows as an empty program (name and
 * flags still come from the row), so the program stays listed and fixable.
 */
export function contentOfRow(row: ProgramRow): ProgramContent {
  const read = readLegacyBlob(row.id, row.program_json);
  return read.ok ? read.content : EMPTY;
}

/** The row as a model; `skipBlob` when the caller supplies the content (no blob parsing on the versioned path). */
export function programModelOfRow(row: ProgramRow, options: { skipBlob?: boolean } = {}): ProgramModel {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    isActive: row.is_active,
    updatedAt: row.updated_at,
    content: options.skipBlob ? EMPTY : contentOfRow(row),
    currentVersionId: row.current_version_id,
    revision: row.revision,
  };
}
