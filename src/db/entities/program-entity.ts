import { EntitySchema, type Opt, type Ref } from '@mikro-orm/core';
import { foreignKey } from './foreign-key.js';
import { ProgramVersionEntity } from './program-version-entity.js';

/**
 * A row of the legacy `programs` table (docs/legacy-data.md): the mutable blob (`programJson`, read
 * with `readLegacyBlob`) and, once versioned, the pointers to its versions.
 * `revision` is counted by a trigger, whatever a write sets it to.
 */
export interface ProgramEntity {
  id: string;
  userId: string;
  name: string;
  isActive: boolean & Opt;
  programJson: unknown;
  createdAt: Date & Opt;
  updatedAt: Date & Opt;
  deletedAt: Date | null;
  /** The version a versioned read shows. */
  currentVersion: Ref<ProgramVersionEntity> | null;
  /** The version `programJson` was last written from (null: the blob is newer than any version). */
  legacyJsonVersion: Ref<ProgramVersionEntity> | null;
  revision: number & Opt;
}

export const ProgramEntity: EntitySchema<ProgramEntity> = new EntitySchema<ProgramEntity>({
  name: 'Program',
  tableName: 'programs',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    name: { type: 'text' },
    isActive: { type: 'boolean', default: false },
    programJson: { type: 'json' },
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    updatedAt: { type: 'datetime', defaultRaw: 'now()' },
    deletedAt: { type: 'datetime', nullable: true },
    currentVersion: {
      kind: 'm:1',
      entity: () => ProgramVersionEntity,
      ref: true,
      nullable: true,
      fieldName: 'current_version_id',
      ...foreignKey('programs_current_version_id_fkey'),
    },
    legacyJsonVersion: {
      kind: 'm:1',
      entity: () => ProgramVersionEntity,
      ref: true,
      nullable: true,
      fieldName: 'legacy_json_version_id',
      ...foreignKey('programs_legacy_json_version_id_fkey'),
    },
    revision: { type: 'integer', default: 1 },
  },
  checks: [{ name: 'programs_revision_positive', expression: 'revision >= 1' }],
  indexes: [{ name: 'programs_user_id', properties: ['userId', 'createdAt', 'id'] }],
  uniques: [{ name: 'programs_one_active_per_user', expression: 'create unique index programs_one_active_per_user on programs (user_id) where is_active' }],
});
