import { Collection, EntitySchema, type Ref } from '@mikro-orm/core';
import { foreignKey } from './foreign-key.js';
import { ProgramEntity } from './program-entity.js';
import { ProgramVersionEntity } from './program-version-entity.js';
import { ProgramVersionWorkoutEntity } from './program-version-workout-entity.js';
import { WorkoutSessionSetEntity } from './workout-session-set-entity.js';

/**
 * A row of `workout_sessions`: history, append-only (a NULL column may be
 * filled once). `workoutVersion` belongs to `programVersion` through the
 * composite foreign key (program_version_id, workout_version_id).
 */
export interface WorkoutSessionEntity {
  id: string;
  userId: string;
  program: Ref<ProgramEntity> | null;
  /** The legacy blob's workout id. */
  workoutId: string | null;
  workoutNameSnapshot: string | null;
  startedAt: Date;
  completedAt: Date | null;
  notes: string | null;
  programVersion: Ref<ProgramVersionEntity> | null;
  workoutVersion: Ref<ProgramVersionWorkoutEntity> | null;
  sets: Collection<WorkoutSessionSetEntity>;
}

export const WorkoutSessionEntity: EntitySchema<WorkoutSessionEntity> = new EntitySchema<WorkoutSessionEntity>({
  name: 'WorkoutSession',
  tableName: 'workout_sessions',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    program: { kind: 'm:1', entity: () => ProgramEntity, ref: true, nullable: true, fieldName: 'program_id', ...foreignKey('workout_sessions_program_id_fkey') },
    workoutId: { type: 'text', nullable: true },
    workoutNameSnapshot: { type: 'text', nullable: true },
    startedAt: { type: 'datetime' },
    completedAt: { type: 'datetime', nullable: true },
    notes: { type: 'text', nullable: true },
    programVersion: {
      kind: 'm:1',
      entity: () => ProgramVersionEntity,
      ref: true,
      nullable: true,
      fieldName: 'program_version_id',
      ...foreignKey('workout_sessions_program_version_id_fkey'),
    },
    workoutVersion: {
      kind: 'm:1',
      entity: () => ProgramVersionWorkoutEntity,
      ref: true,
      nullable: true,
      fieldName: 'workout_version_id',
      createForeignKeyConstraint: false,
    },
    sets: { kind: '1:m', entity: () => WorkoutSessionSetEntity, mappedBy: 'session', orderBy: { setNumber: 'asc' } },
  },
  checks: [{ name: 'workout_sessions_workout_version_needs_program', expression: 'workout_version_id is null or program_version_id is not null' }],
  indexes: [
    { name: 'workout_sessions_user_started', expression: 'create index workout_sessions_user_started on workout_sessions (user_id, started_at desc, id desc)' },
    { name: 'workout_sessions_program', properties: ['program'] },
    { name: 'workout_sessions_program_version', properties: ['programVersion'] },
  ],
});
