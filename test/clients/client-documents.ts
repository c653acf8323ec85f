/**
 * The operations of the app's screens, as a front end sends them: the
 * README's and the client guide's queries, plus the editor and version-history
 * views. Every object that has an `id` selects it.
 */

export { WORKOUT_SCREEN_QUERY as GUIDE_WORKOUT_SCREEN } from '../../src/server/landing-page/workout-screen-query.js';

/** The README's workout screen. */
export const WORKOUT_SCREEN = `query ReadmeWorkoutScreen { activeProgram { id name
    workouts { id name exercises { id name sets { id reps repsMax weightKg restSeconds }
      lastPerformance { id performedAt sets { id setNumber reps weightKg rpe } } } }
    schedule { id dayOfWeek workout { id name } } } }`;

const PROGRAM_TREE = `id name revision updatedAt
  workouts { id name position exercises { id name notes sets { id reps repsMax weightKg restSeconds } } }
  schedule { id dayOfWeek workout { id name } }`;

export const EDITOR = `query Editor($id: ID!) { program(id: $id) { ${PROGRAM_TREE} } }`;

export const PROGRAMS = `query Programs { programs { id name isActive workouts { id name exercises { id name } } } }`;

/** Every version as it was: snapshots with ids scoped to the version. */
export const VERSION_HISTORY = `query VersionHistory($id: ID!) { program(id: $id) { id name
    currentVersion { id number source }
    versions(first: 2) { id number source name createdAt parent { id number }
      workouts { id workoutId name position exercises { id exerciseId name notes sets { id reps repsMax weightKg restSeconds } } }
      schedule { id dayOfWeek workout { id workoutId name } } } } }`;

/** The diff view: everything a version changed against its parent. */
export const VERSION_DIFFS = `query VersionDiffs($id: ID!) { program(id: $id) { id
    versions(first: 1) { id number changes { id unchanged
      renamed { id from to }
      workoutsAdded { id workoutId name position } workoutsRemoved { id workoutId name position }
      workoutsRenamed { id workoutId from to } workoutsMoved { id workoutId from to }
      exercisesAdded { id exerciseId workoutId name position } exercisesRemoved { id exerciseId workoutId name position }
      exercisesRenamed { id exerciseId from to } exercisesMoved { id exerciseId fromWorkoutId toWorkoutId from to }
      notesChanged { id exerciseId from to }
      setsChanged { id exerciseId before { id reps repsMax weightKg restSeconds } after { id reps repsMax weightKg restSeconds } }
      scheduleChanged { id before { id dayOfWeek workoutId } after { id dayOfWeek workoutId } } } } } }`;

/** The history list: a line per version with a summary of its changes. */
export const VERSION_LIST = `query VersionList($id: ID!) { program(id: $id) { id
    versions(first: 10) { id number source createdAt
      changes { id unchanged workoutsRenamed { id from to } setsChanged { id exerciseId } exercisesAdded { id name } } } } }`;

export const CALENDAR = `query Week($from: Date!, $to: Date!) { calendar(from: $from, to: $to) {
    date scheduled { id name } sessions { id workoutName startedAt completedAt } } }`;

export const HISTORY = `query History($first: Int, $after: String) { sessions(first: $first, after: $after) {
    edges { cursor node { id workoutName startedAt completedAt sets { id exerciseId exerciseName setNumber reps weightKg rpe } } }
    pageInfo { hasNextPage endCursor } } }`;

export const LAST_PERFORMANCE = `query LastPerformance($exerciseIds: [ID!]!) { lastPerformance(exerciseIds: $exerciseIds) {
    id exerciseId performedAt session { id workoutName } sets { id setNumber reps weightKg rpe } } }`;

export const SESSION = `query Session($id: ID!) { session(id: $id) { id workoutName startedAt completedAt
    workout { id name exercises { id name } }
    programVersion { id number workouts { id workoutId name } }
    sets { id exerciseId exerciseName setNumber reps weightKg rpe completedAt } } }`;

export const START_SESSION = `mutation StartSession($programId: ID!, $workoutId: ID!, $startedAt: DateTime) {
  startSession(programId: $programId, workoutId: $workoutId, startedAt: $startedAt) { id workoutName startedAt completedAt sets { id } } }`;

export const LOG_SET = `mutation LogSet($sessionId: ID!, $input: LoggedSetInput!) { logSet(sessionId: $sessionId, input: $input) {
    id sets { id exerciseId exerciseName setNumber reps weightKg rpe completedAt } } }`;

export const COMPLETE_SESSION = `mutation CompleteSession($sessionId: ID!, $completedAt: DateTime) {
  completeSession(sessionId: $sessionId, completedAt: $completedAt) { id completedAt } }`;

export const MODIFY_PROGRAM = `mutation ModifyProgram($id: ID!, $input: ProgramInput!, $source: ChangeSource) {
  modifyProgram(id: $id, input: $input, source: $source) { ${PROGRAM_TREE} } }`;

export const DELETE_WORKOUT = `mutation DeleteWorkout($programId: ID!, $workoutId: ID!) {
  deleteWorkout(programId: $programId, workoutId: $workoutId) { ${PROGRAM_TREE} } }`;
