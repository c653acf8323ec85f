import { contentHash } from '../../domain/content-hash.js';
import { lockProgram } from '../program-lock.js';
import { updateProgram } from '../program-rows.js';
import { createVersionedProgram, ensureCurrentVersion, exerciseVersionRef, recordVersion, sessionVersionRefs } from '../version-writes.js';
import type { WritePath } from '../write-path.js';

/**
 * Phases 2 to 4: every write stores the blob and, in the same transaction, an
 * immutable version of the same content, so either read path shows it. A
 * program whose blob moved on without versions (Phase 1 writes) gets a
 * catch-up version first, so the new one's parent is what the user edited.
 */
export const dualWritePath: WritePath = {
  requireVersions() {},

  lockProgram: (tx, userId, id) => lockProgram(tx, userId, id, { withVersion: true }),

  createProgram: createVersionedProgram,

  async saveProgram(tx, locked, base, next, source) {
    const { row } = locked;
    const changed = contentHash(next.name, next.content) !== contentHash(base.name, base.content);
    const parent = await ensureCurrentVersion(tx, locked, base.content);
    const version = await recordVersion(tx, parent, { id: row.id, userId: row.user_id }, next, source);
    // A blob not written from this very version (behind, or written without versions) is rewritten.
    const writeBlob = version.id !== parent.id || row.legacy_json_version_id !== version.id;
    const stale = version.id !== row.current_version_id || version.id !== row.legacy_json_version_id;
    if (!changed && !writeBlob && !stale) return row;
    return updateProgram(tx, locked.program, {
      name: next.name,
      blob: writeBlob ? next.content : null,
      currentVersionId: version.id,
      blobVersionId: version.id,
      touch: changed,
    });
  },

  sessionVersions: sessionVersionRefs,

  exerciseVersionOf: exerciseVersionRef,
};
