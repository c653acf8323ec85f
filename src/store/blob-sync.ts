import type { ProgramRow } from '../db/rows.js';

/**
 * How a program's legacy blob relates to its current version:
 * - `unversioned`: no version yet (before the backfill reaches it);
 * - `in-sync`: the blob was written from the current version;
 * - `blob-newer`: the blob was written without versioning after the last version
 *   (versioned writes were off for a while);
 * - `version-newer`: versions moved on while legacy writes were off (Phase 5);
 *   `npm run restore-legacy` rewrites such blobs.
 */
export type BlobSync = 'unversioned' | 'in-sync' | 'blob-newer' | 'version-newer';

export function blobSync(row: Pick<ProgramRow, 'current_version_id' | 'legacy_json_version_id'>): BlobSync {
  if (row.current_version_id === null) return 'unversioned';
  if (row.legacy_json_version_id === row.current_version_id) return 'in-sync';
  return row.legacy_json_version_id === null ? 'blob-newer' : 'version-newer';
}
