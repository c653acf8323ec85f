import { Collection, EntitySchema, type Opt, type Ref } from '@mikro-orm/core';
import { foreignKey } from './foreign-key.js';
import { ProgramEntity } from './program-entity.js';
import { ProgramVersionScheduleEntity } from './program-version-schedule-entity.js';
import { ProgramVersionWorkoutEntity } from './program-version-workout-entity.js';

export type VersionSource = 'USER' | 'AI' | 'BACKFILL' | 'REVERT';

/** A row of `program_versions`: one immutable snapshot of a program (the database refuses updates and deletes). */
export interface ProgramVersionEntity {
  id: string;
  program: Ref<ProgramEntity>;
  userId: string;
  versionNumber: number;
  /** Null exactly for version 1. */
  parentVersion: Ref<ProgramVersionEntity> | null;
  source: VersionSource;
  name: string;
  contentHash: string;
  createdAt: Date & Opt;
  workouts: Collection<ProgramVersionWorkoutEntity>;
  schedule: Collection<ProgramVersionScheduleEntity>;
}

export const ProgramVersionEntity: EntitySchema<ProgramVersionEntity> = new EntitySchema<ProgramVersionEntity>({
  name: 'ProgramVersion',
  tableName: 'program_versions',
  properties: {
    id: { type: 'uuid', primary: true },
    program: { kind: 'm:1', entity: () => ProgramEntity, ref: true, fieldName: 'program_id', ...foreignKey('program_versions_program_id_fkey') },
    userId: { type: 'uuid' },
    versionNumber: { type: 'integer' },
    parentVersion: {
      kind: 'm:1',
      entity: () => ProgramVersionEntity,
      ref: true,
      nullable: true,
      fieldName: 'parent_version_id',
      ...foreignKey('program_versions_parent_version_id_fkey'),
    },
    source: { enum: true, items: ['BACKFILL', 'USER', 'AI', 'REVERT'], columnType: 'text' },
    name: { type: 'text' },
    contentHash: { type: 'text' },
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    workouts: { kind: '1:m', entity: () => ProgramVersionWorkoutEntity, mappedBy: 'version', orderBy: { position: 'asc' } },
    schedule: { kind: '1:m', entity: () => ProgramVersionScheduleEntity, mappedBy: 'version', orderBy: { position: 'asc' } },
  },
  checks: [
    { name: 'program_versions_version_number_check', expression: 'version_number >= 1' },
    { name: 'program_versions_parent_rule', expression: '(version_number = 1) = (parent_version_id is null)' },
  ],
  indexes: [{ name: 'program_versions_user', properties: ['userId'] }],
  uniques: [{ name: 'program_versions_number_unique', properties: ['program', 'versionNumber'] }],
});
