/** The GraphQL operations the bench sends, and how each is spread over users. */

export const FULL_TREE = `{ activeProgram { id name workouts { id name position exercises { id name notes sets { reps repsMax weightKg restSeconds } lastPerformance { performedAt sets { setNumber reps weightKg rpe } } } } schedule { dayOfWeek workout { id } } } }`;

export const SESSIONS = `{ sessions(first: 20) { edges { cursor node { id workoutName startedAt completedAt sets { exerciseId exerciseName setNumber reps weightKg rpe completedAt } } } pageInfo { hasNextPage endCursor } } }`;

/** A month inside the corpus' year of history (it ends 2025-06-30). */
export const CALENDAR_MONTH = { from: '2025-03-01', to: '2025-03-31' } as const;
export const CALENDAR = `query Calendar($from: Date!, $to: Date!) { calendar(from: $from, to: $to) { date scheduled { id name position } sessions { id workoutName startedAt completedAt } } }`;

/**
 * What a gateway might fetch for a list of programs another subgraph returned:
 * names down to the exercises and the schedule (no prescribed sets, no last
 * performance). Both read paths still load every program's whole content.
 */
export const ENTITIES = `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Program { id name isActive updatedAt workouts { id name position exercises { id name } } schedule { dayOfWeek workout { id } } } } }`;

export const MODIFY_PROGRAM = `mutation Modify($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input) { id name updatedAt currentVersion { number } } }`;

/**
 * The peer's full tree: PostGraphile's own names over the version tables —
 * the active program by condition, its current version through the
 * `current_version_id` foreign key, workouts and exercises through their
 * (composite) foreign keys ordered by position, last performance through the
 * computed column `program_version_exercises_last_performance` (JSON), and the
 * schedule with each entry's workout.
 */
export const PEER_FULL_TREE = `query FullTree($userId: UUID!) {
  allPrograms(condition: { userId: $userId, isActive: true, deletedAt: null }) {
    nodes {
      id
      name
      programVersionByCurrentVersionId {
        programVersionWorkoutsByProgramVersionId(orderBy: POSITION_ASC) {
          nodes {
            workoutId
            name
            position
            programVersionExercisesByProgramVersionIdAndProgramVersionWorkoutId(orderBy: POSITION_ASC) {
              nodes { exerciseId name notes sets lastPerformance }
            }
          }
        }
        programVersionSchedulesByProgramVersionId(orderBy: POSITION_ASC) {
          nodes { dayOfWeek programVersionWorkoutByProgramVersionIdAndProgramVersionWorkoutId { workoutId } }
        }
      }
    }
  }
}`;

/** One prepared request: what varies between users. */
export interface RequestVariant {
  readonly headers: Record<string, string>;
  readonly body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function ourRequest(userId: string, query: string, variables: Record<string, unknown> = {}): RequestVariant {
  return { headers: { ...JSON_HEADERS, 'x-user-id': userId }, body: JSON.stringify({ query, variables }) };
}

export function peerFullTreeRequest(userId: string): RequestVariant {
  return { headers: JSON_HEADERS, body: JSON.stringify({ query: PEER_FULL_TREE, variables: { userId } }) };
}

/** The ceiling ignores the body: the user is all it needs. */
export function ceilingRequest(userId: string): RequestVariant {
  return { headers: { ...JSON_HEADERS, 'x-user-id': userId }, body: JSON.stringify({ query: FULL_TREE }) };
}

export function entitiesRequest(userId: string, programIds: readonly string[]): RequestVariant {
  return ourRequest(userId, ENTITIES, { representations: programIds.map((id) => ({ __typename: 'Program', id })) });
}

/** A program tree as ours returns it (the full-tree selection). */
export interface OurProgramTree {
  readonly id: string;
  readonly name: string;
  readonly workouts: readonly {
    id: string;
    name: string;
    exercises: readonly { id: string; name: string; notes: string | null; sets: readonly { reps: number; repsMax: number | null; weightKg: number | null; restSeconds: number }[] }[];
  }[];
  readonly schedule: readonly { dayOfWeek: number; workout: { id: string } }[];
}

/**
 * `modifyProgram` for one user's active program: the same content with a
 * changed name and first weight, `variant` alternating between two edits so
 * that every call is a real change (a new version), never a no-op.
 */
export function modifyRequest(userId: string, tree: OurProgramTree, variant: number): RequestVariant {
  const index = new Map(tree.workouts.map((w, i) => [w.id, i]));
  const input = {
    name: `${tree.name.replace(/ \(edit \d\)$/, '')} (edit ${variant})`,
    workouts: tree.workouts.map((w, wi) => ({
      id: w.id,
      name: w.name,
      exercises: w.exercises.map((e, ei) => ({
        id: e.id,
        name: e.name,
        notes: e.notes,
        sets: e.sets.map((s, si) => ({
          reps: s.reps,
          repsMax: s.repsMax,
          weightKg: wi === 0 && ei === 0 && si === 0 ? (s.weightKg ?? 20) + 2.5 * variant : s.weightKg,
          restSeconds: s.restSeconds,
        })),
      })),
    })),
    schedule: tree.schedule.map((s) => ({ dayOfWeek: s.dayOfWeek, workoutIndex: index.get(s.workout.id)! })),
  };
  return ourRequest(userId, MODIFY_PROGRAM, { id: tree.id, input });
}

/** POSTs one request and returns its parsed answer; any HTTP status but 200 throws. */
export async function post(url: string, request: RequestVariant): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** `modifyProgram` for each user's active program (read from our server at `url`): two alternating edits per user, ordered so that consecutive edits of one program always differ. */
export async function modifyVariants(url: string, users: readonly string[]): Promise<RequestVariant[]> {
  const trees = await Promise.all(users.map(async (u) => (await post(url, ourRequest(u, FULL_TREE))).data.activeProgram as OurProgramTree));
  return [1, 2].flatMap((variant) => trees.map((tree, i) => modifyRequest(users[i]!, tree, variant)));
}
