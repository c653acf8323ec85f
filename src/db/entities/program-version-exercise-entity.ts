import { EntitySchema, type Ref } from '@mikro-orm/core';
import type { SetPrescription } from '../../domain/program.js';
import { ProgramVersionEntity } from './program-version-entity.js';
import { ProgramVersionWorkoutEntity } from './program-version-workout-entity.js';

/**
 * A row of `program_version_exercises`: one exercise of one workout version.
 * `version` and `workout` share the composite foreign key
 * (program_version_id, program_version_workout_id) → workouts (program_version_id, id),
 * so an exercise cannot sit in another version's workout; MikroORM references
 * primary keys only, so the entity declares no constraint of its own for them.
 */
export interface ProgramVersionExerciseEntity {
  id: string;
  version: Ref<ProgramVersionEntity>;
  workout: Ref<ProgramVersionWorkoutEntity>;
  userId: string;
  /** The stable exercise id, carried across versions. */
  exerciseId: string;
  position: number;
  name: string;
  notes: string | null;
  sets: SetPrescription[];
}

export const ProgramVersionExerciseEntity: EntitySchema<ProgramVersionExerciseEntity> = new EntitySchema<ProgramVersionExerciseEntity>({
  name: 'ProgramVersionExercise',
  tableName: 'program_version_exercises',
  properties: {
    id: { type: 'uuid', primary: true },
    version: { kind: 'm:1', entity: () => ProgramVersionEntity, ref: true, fieldName: 'program_version_id', createForeignKeyConstraint: false },
    workout: {
      kind: 'm:1',
      entity: () => ProgramVersionWorkoutEntity,
      ref: true,
      fieldName: 'program_version_workout_id',
      createForeignKeyConstraint: false,
    },
    userId: { type: 'uuid' },
    exerciseId: { type: 'text' },
    position: { type: 'integer' },
    name: { type: 'text' },
    notes: { type: 'text', nullable: true },
    sets: { type: 'json' },
  },
  checks: [
    { name: 'program_version_exercises_position_check', expression: 'position >= 0' },
    { name: 'program_version_exercises_sets_check', expression: "jsonb_typeof(sets) = 'array' and jsonb_array_length(sets) >= 1" },
  ],
  indexes: [
    { name: 'program_version_exercises_version_workout', properties: ['workout', 'position'] },
    { name: 'program_version_exercises_user_stable_id', properties: ['userId', 'exerciseId'] },
  ],
  uniques: [
    { name: 'program_version_exercises_stable_id_unique', properties: ['version', 'exerciseId'] },
    { name: 'program_version_exercises_position_unique', properties: ['workout', 'position'] },
  ],
});
