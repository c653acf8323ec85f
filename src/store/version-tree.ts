import type { ProgramContent } from '../domain/program.js';

export type VersionSource = 'USER' | 'AI' | 'BACKFILL' | 'REVERT';

/** A version about to be written: header and content. */
export interface NewVersion {
  readonly programId: string;
  readonly userId: string;
  readonly number: number;
  readonly parentId: string | null;
  readonly source: VersionSource;
  readonly name: string;
  readonly contentHash: string;
  readonly content: ProgramContent;
}

/**
 * A whole program version as stored: its header, its content, and the row ids
 * of its workouts and exercises (what history rows reference), keyed by the
 * stable ids. Immutable once written, so it may be cached by id forever.
 */
export interface VersionTree extends NewVersion {
  readonly id: string;
  readonly createdAt: Date;
  /** stable workout id → `program_version_workouts.id` */
  readonly workoutRowIds: ReadonlyMap<string, string>;
  /** stable exercise id → `program_version_exercises.id` */
  readonly exerciseRowIds: ReadonlyMap<string, string>;
}
