import { Collection, EntitySchema, type Ref } from '@mikro-orm/core';
import { foreignKey } from './foreign-key.js';
import { ProgramVersionEntity } from './program-version-entity.js';
import { ProgramVersionExerciseEntity } from './program-version-exercise-entity.js';

/** A row of `program_version_workouts`: one workout of one version. Its `id` is the workout version id history rows point at. */
export interface ProgramVersionWorkoutEntity {
  id: string;
  version: Ref<ProgramVersionEntity>;
  userId: string;
  /** The stable workout id, carried across versions. */
  workoutId: string;
  position: number;
  name: string;
  exercises: Collection<ProgramVersionExerciseEntity>;
}

export const ProgramVersionWorkoutEntity: EntitySchema<ProgramVersionWorkoutEntity> = new EntitySchema<ProgramVersionWorkoutEntity>({
  name: 'ProgramVersionWorkout',
  tableName: 'program_version_workouts',
  properties: {
    id: { type: 'uuid', primary: true },
    version: {
      kind: 'm:1',
      entity: () => ProgramVersionEntity,
      ref: true,
      fieldName: 'program_version_id',
      ...foreignKey('program_version_workouts_program_version_id_fkey'),
    },
    userId: { type: 'uuid' },
    workoutId: { type: 'text' },
    position: { type: 'integer' },
    name: { type: 'text' },
    exercises: { kind: '1:m', entity: () => ProgramVersionExerciseEntity, mappedBy: 'workout', orderBy: { position: 'asc' } },
  },
  checks: [{ name: 'program_version_workouts_position_check', expression: 'position >= 0' }],
  uniques: [
    { name: 'program_version_workouts_stable_id_unique', properties: ['version', 'workoutId'] },
    { name: 'program_version_workouts_position_unique', properties: ['version', 'position'] },
    // What the composite foreign keys of exercises, schedule entries and sessions reference.
    { name: 'program_version_workouts_in_version', properties: ['version', 'id'] },
  ],
});
