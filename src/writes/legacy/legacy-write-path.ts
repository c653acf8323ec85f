import { AppError } from '../../errors.js';
import { contentHash } from '../../domain/content-hash.js';
import { lockProgram } from '../program-lock.js';
import { insertProgram, rowOf, updateProgram } from '../program-rows.js';
import type { WritePath } from '../write-path.js';

/**
 * Phase 1: the blob is the truth. A write stores the new name and blob and
 * marks the blob as newer than any version the program may have (a later
 * versioned write catches the versions up first); history rows reference no
 * version.
 */
export const legacyWritePath: WritePath = {
  requireVersions(operation) {
    throw AppError.failedPrecondition(`${operation} needs program versions: PROGRAM_VERSIONING_WRITES is off for this user`);
  },

  lockProgram: (tx, userId, id, { checksVersion }) => lockProgram(tx, userId, id, { withVersion: checksVersion }),

  createProgram: async (tx, userId, program) => rowOf(await insertProgram(tx, userId, program)),

  async saveProgram(tx, { program, row }, base, next) {
    if (contentHash(next.name, next.content) === contentHash(base.name, base.content)) return row;
    return updateProgram(tx, program, { name: next.name, blob: next.content, currentVersionId: row.current_version_id, blobVersionId: null, touch: true });
  },

  sessionVersions: async () => ({ programVersionId: null, workoutVersionId: null }),

  exerciseVersionOf: async () => null,
};
