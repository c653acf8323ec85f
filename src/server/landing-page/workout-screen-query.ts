/**
 * The workout screen: the active program's whole tree with every exercise's
 * last performance. The landing page opens Sandbox with it, and its offline
 * curl sends it; the client guide shows the same operation. It selects `id`
 * on every object that has one: a normalised cache (Apollo Client's default
 * InMemoryCache) then merges it with the app's other queries instead of
 * overwriting what they stored.
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
        sets { id reps repsMax weightKg restSeconds }
        lastPerformance { id performedAt sets { id setNumber reps weightKg rpe } }
      }
    }
    schedule { id dayOfWeek workout { id name } }
  }
}
`;
