import { updateProgram } from '../program-rows.js';
import { versionWritingPath } from '../version-writing-path.js';
import type { WritePath } from '../write-path.js';

/**
 * Phase 5: versions only. A write stores a new version and points the program
 * at it; the blob and the program's name column stay as they are, and
 * `legacy_json_version_id` keeps naming the version the blob holds, so reads
 * of the program's state take the version and `npm run restore-legacy` knows
 * which blobs to rewrite on a rollback. A new program still gets a first blob
 * (the column is NOT NULL), which holds version 1.
 */
export const versionedWritePath: WritePath = versionWritingPath(async (tx, { program, row }, _next, { changed, parent, version }) => {
  const stale = version.id !== row.current_version_id || parent.blobVersionId !== row.legacy_json_version_id;
  if (!changed && !stale) return row;
  return updateProgram(tx, program, { name: null, blob: null, currentVersionId: version.id, blobVersionId: parent.blobVersionId, touch: changed });
});
