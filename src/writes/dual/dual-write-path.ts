import { updateProgram } from '../program-rows.js';
import { versionWritingPath } from '../version-writing-path.js';
import type { WritePath } from '../write-path.js';

/**
 * Phases 2 to 4: every write stores the blob and, in the same transaction, an
 * immutable version of the same content, so either read path shows it. A
 * program whose blob moved on without versions (Phase 1 writes) gets a
 * catch-up version first, so the new one's parent is what the user edited.
 */
export const dualWritePath: WritePath = versionWritingPath(async (tx, { program, row }, next, { changed, parent, version }) => {
  // A blob not written from this very version (behind, or written without versions) is rewritten.
  const writeBlob = version.id !== parent.id || row.legacy_json_version_id !== version.id;
  const stale = version.id !== row.current_version_id || version.id !== row.legacy_json_version_id;
  if (!changed && !writeBlob && !stale) return row;
  return updateProgram(tx, program, {
    name: next.name,
    blob: writeBlob ? next.content : null,
    currentVersionId: version.id,
    blobVersionId: version.id,
    touch: changed,
  });
});
