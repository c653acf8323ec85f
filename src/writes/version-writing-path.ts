import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramRow } from '../db/rows.js';
import { contentHash } from '../domain/content-hash.js';
import { lockProgram, type LockedProgram } from './program-lock.js';
import type { ProgramState } from './program-state.js';
import {
  createVersionedProgram,
  ensureCurrentVersion,
  exerciseVersionRef,
  recordVersion,
  sessionVersionRefs,
  type CurrentVersion,
  type EnsuredVersion,
} from './version-writes.js';
import type { WritePath } from './write-path.js';

/** What a save of a version-writing path knows once the new version is recorded. */
export interface RecordedVersion {
  /** Whether the name or content changed (so `updated_at` moves). */
  readonly changed: boolean;
  /** The current version before this save, made to mirror what the program held (a catch-up version if it was behind). */
  readonly parent: EnsuredVersion;
  /** The version the program now holds: a new one, or `parent` when nothing changed. */
  readonly version: CurrentVersion;
}

/** How a version-writing path makes the program row follow the recorded version; returns the row. */
export type ProgramRowFollower = (tx: EntityManager, locked: LockedProgram, next: ProgramState, recorded: RecordedVersion) => Promise<ProgramRow>;

/**
 * A write path that writes versions (dual write, versioned only). Both lock,
 * create programs and give history rows their versions alike, and every save
 * starts alike: the program's current version is made to mirror what the
 * program holds, then the new state is recorded as a version after it. They
 * differ only in what happens to the program row then (`followVersion`): the
 * blob rewritten too, or the pointers alone.
 */
export function versionWritingPath(followVersion: ProgramRowFollower): WritePath {
  return {
    requireVersions() {},

    lockProgram: (tx, userId, id) => lockProgram(tx, userId, id, { withVersion: true }),

    createProgram: createVersionedProgram,

    async saveProgram(tx, locked, base, next, source) {
      const { row } = locked;
      const changed = contentHash(next.name, next.content) !== contentHash(base.name, base.content);
      const parent = await ensureCurrentVersion(tx, locked, base.content);
      const version = await recordVersion(tx, parent, { id: row.id, userId: row.user_id }, next, source);
      return followVersion(tx, locked, next, { changed, parent, version });
    },

    sessionVersions: sessionVersionRefs,

    exerciseVersionOf: exerciseVersionRef,
  };
}
