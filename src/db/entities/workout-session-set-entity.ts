import { EntitySchema, type Ref } from '@mikro-orm/core';
import { foreignKey } from './foreign-key.js';
import { ProgramVersionExerciseEntity } from './program-version-exercise-entity.js';
import { WorkoutSessionEntity } from './workout-session-entity.js';

/** A row of `workout_session_sets`: one logged set, append-only. */
export interface WorkoutSessionSetEntity {
  id: string;
  session: Ref<WorkoutSessionEntity>;
  userId: string;
  /** The legacy blob's exercise id. */
  exerciseId: string | null;
  exerciseName: string;
  setNumber: number;
  reps: number | null;
  weightKg: number | null;
  rpe: number | null;
  completedAt: Date | null;
  exerciseVersion: Ref<ProgramVersionExerciseEntity> | null;
}

export const WorkoutSessionSetEntity: EntitySchema<WorkoutSessionSetEntity> = new EntitySchema<WorkoutSessionSetEntity>({
  name: 'WorkoutSessionSet',
  tableName: 'workout_session_sets',
  properties: {
    id: { type: 'uuid', primary: true },
    session: { kind: 'm:1', entity: () => WorkoutSessionEntity, ref: true, fieldName: 'session_id', ...foreignKey('workout_session_sets_session_id_fkey') },
    userId: { type: 'uuid' },
    exerciseId: { type: 'text', nullable: true },
    exerciseName: { type: 'text' },
    setNumber: { type: 'integer' },
    reps: { type: 'integer', nullable: true },
    weightKg: { type: 'decimal', runtimeType: 'number', precision: 6, scale: 2, nullable: true },
    rpe: { type: 'decimal', runtimeType: 'number', precision: 3, scale: 1, nullable: true },
    completedAt: { type: 'datetime', nullable: true },
    exerciseVersion: {
      kind: 'm:1',
      entity: () => ProgramVersionExerciseEntity,
      ref: true,
      nullable: true,
      fieldName: 'exercise_version_id',
      ...foreignKey('workout_session_sets_exercise_version_id_fkey'),
    },
  },
  indexes: [
    { name: 'workout_session_sets_session', properties: ['session', 'setNumber'] },
    { name: 'workout_session_sets_user_exercise', properties: ['userId', 'exerciseId', 'session'] },
    { name: 'workout_session_sets_exercise_version', properties: ['exerciseVersion'] },
    { name: 'workout_session_sets_user_session', properties: ['userId', 'session'] },
  ],
});
