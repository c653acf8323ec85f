import {
  prescribedSets,
  scheduleModels,
  workoutModels,
  type ExercisePerformanceModel,
  type PerformedSetModel,
  type ProgramModel,
  type SessionModel,
  type WorkoutModel,
} from '../models/read-models.js';

/** Last performance of an exercise as one side of a comparison shows it. */
export type LastPerformanceOf = (exerciseId: string) => ExercisePerformanceModel | null;

/**
 * A program as the GraphQL layer serialises it from a read path's model:
 * every field of `Program`, its workouts in order with their exercises,
 * prescribed sets (with their ids) and last performance, and its schedule
 * entries (with their ids) by the workout each points at. Comparing two views
 * gives paths a user would recognise (`workouts.1.exercises.0.name`, `name`).
 */
export function programView(program: ProgramModel, lastPerformance: LastPerformanceOf) {
  const { content: _content, ...fields } = program;
  return {
    ...fields,
    workouts: workoutModels(program.id, program.content).map((w) => workoutView(w, lastPerformance)),
    schedule: scheduleModels(program.id, program.content).map((e) => ({ id: e.id, dayOfWeek: e.dayOfWeek, workoutId: e.workout.id })),
  };
}

/** A history entry as the GraphQL layer serialises it: the session's fields, its workout name, the workout it runs now, its sets. */
export function sessionView(session: SessionModel, workoutName: string, workout: WorkoutModel | null, sets: readonly PerformedSetModel[]) {
  return { ...session, workoutName, workout: workout && workoutView(workout), sets };
}

function workoutView(workout: WorkoutModel, lastPerformance?: LastPerformanceOf) {
  return {
    id: workout.id,
    name: workout.name,
    position: workout.position,
    exercises: workout.exercises.map((e) => ({
      id: e.id,
      name: e.name,
      notes: e.notes,
      sets: prescribedSets(e.id, e.sets),
      ...(lastPerformance ? { lastPerformance: lastPerformance(e.id) } : {}),
    })),
  };
}
