import { ProgramEntity } from './program-entity.js';
import { ProgramVersionEntity } from './program-version-entity.js';
import { ProgramVersionExerciseEntity } from './program-version-exercise-entity.js';
import { ProgramVersionScheduleEntity } from './program-version-schedule-entity.js';
import { ProgramVersionWorkoutEntity } from './program-version-workout-entity.js';
import { WorkoutSessionEntity } from './workout-session-entity.js';
import { WorkoutSessionSetEntity } from './workout-session-set-entity.js';

/** The model of all seven tables, legacy and versioned; the ORM registers exactly these. */
export const entities = [
  ProgramEntity,
  WorkoutSessionEntity,
  WorkoutSessionSetEntity,
  ProgramVersionEntity,
  ProgramVersionWorkoutEntity,
  ProgramVersionExerciseEntity,
  ProgramVersionScheduleEntity,
];

export { ProgramEntity } from './program-entity.js';
export { ProgramVersionEntity, type VersionSource } from './program-version-entity.js';
export { ProgramVersionExerciseEntity } from './program-version-exercise-entity.js';
export { ProgramVersionScheduleEntity } from './program-version-schedule-entity.js';
export { ProgramVersionWorkoutEntity } from './program-version-workout-entity.js';
export { WorkoutSessionEntity } from './workout-session-entity.js';
export { WorkoutSessionSetEntity } from './workout-session-set-entity.js';
