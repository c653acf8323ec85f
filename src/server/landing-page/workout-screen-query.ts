/**
 * The workout screen: the active program's whole tree with every exercise's
 * last performance. The landing page opens Sandbox with it, and its offline
 * curl sends it; the client guide shows the same operation.
 */
export const WORKOUT_SCREEN_QUERY = `query WorkoutScreen {
  activeProgram {
    id
    name
    workouts {
      id
      name
      exercises {
        id
        name
        sets { reps repsMax weightKg restSeconds }
        lastPerformance { performedAt sets { setNumber reps weightKg rpe } }
      }
    }
    schedule { dayOfWeek workout { id name } }
  }
}
`;
