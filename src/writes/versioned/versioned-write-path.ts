import { contentHash } from '../../domain/content-hash.js';
import { lockProgram } from '../program-lock.js';
import { updateProgram } from '../program-rows.js';
import { createVersionedProgram, ensureCurrentVersion, exerciseVersionRef, recordVersion, sessionVersionRefs } from '../version-writes.js';
import type { WritePath } from '../write-path.js';

/**
 * Phase 5: versions only. A write stores a new version and points the program
 * at it; the blob and the program's name column stay as they are, and
 * `legacy_json_version_id` keeps naming the version the blob holds, so reads
 * of the program's state take the version and `npm run restore-legacy` knows
 * which blobs to rewrite on a rollback. A new program still gets a first blob
 * (the column is NOT NULL), which holds version 1.
 */
export const versionedWritePath: WritePath = {
  requireVersions() {},

  lockProgram: (tx, userId, id) => lockProgram(tx, userId, id, { withVersion: true }),

  createProgram: createVersionedProgram,

  async saveProgram(tx, locked, base, next, source) {
    const { row } = locked;
    const changed = contentHash(next.name, next.content) !== contentHash(base.name, base.content);
    const parent = await ensureCurrentVersion(tx, locked, base.content);
    const version = await recordVersion(tx, parent, { id: row.id, userId: row.user_id }, next, source);
    const stale = version.id !== row.current_version_id || parent.blobVersionId !== row.legacy_json_version_id;
    if (!changed && !stale) return row;
    return updateProgram(tx, locked.program, { name: null, blob: null, currentVersionId: version.id, blobVersionId: parent.blobVersionId, touch: changed });
  },

  sessionVersions: sessionVersionRefs,

  exerciseVersionOf: exerciseVersionRef,
};
