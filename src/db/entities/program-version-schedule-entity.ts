import { EntitySchema, type Ref } from '@mikro-orm/core';
import { foreignKey } from './foreign-key.js';
import { ProgramVersionEntity } from './program-version-entity.js';
import { ProgramVersionWorkoutEntity } from './program-version-workout-entity.js';

/**
 * A row of `program_version_schedule`: the workout of one version on one day,
 * keyed by (version, position). `workout` is bound to the same version by the
 * composite foreign key (program_version_id, program_version_workout_id).
 */
export interface ProgramVersionScheduleEntity {
  version: Ref<ProgramVersionEntity>;
  position: number;
  userId: string;
  /** 0 = Monday … 6 = Sunday. */
  dayOfWeek: number;
  workout: Ref<ProgramVersionWorkoutEntity>;
}

export const ProgramVersionScheduleEntity: EntitySchema<ProgramVersionScheduleEntity> = new EntitySchema<ProgramVersionScheduleEntity>({
  name: 'ProgramVersionSchedule',
  tableName: 'program_version_schedule',
  properties: {
    version: {
      kind: 'm:1',
      entity: () => ProgramVersionEntity,
      ref: true,
      primary: true,
      fieldName: 'program_version_id',
      ...foreignKey('program_version_schedule_program_version_id_fkey'),
    },
    position: { type: 'integer', primary: true },
    userId: { type: 'uuid' },
    dayOfWeek: { type: 'smallint' },
    workout: {
      kind: 'm:1',
      entity: () => ProgramVersionWorkoutEntity,
      ref: true,
      fieldName: 'program_version_workout_id',
      createForeignKeyConstraint: false,
    },
  },
  primaryKeys: ['version', 'position'],
  checks: [
    { name: 'program_version_schedule_position_check', expression: 'position >= 0' },
    { name: 'program_version_schedule_day_of_week_check', expression: 'day_of_week >= 0 and day_of_week <= 6' },
  ],
});
