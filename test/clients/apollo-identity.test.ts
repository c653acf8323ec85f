import type { ApolloClient as ApolloClientType, DocumentNode } from '@apollo/client';
import { map } from 'rxjs';
import { COMPLETE_SESSION, CREATE_PROGRAM, LOG_SET, MODIFY_PROGRAM, START_SESSION } from '../support/fixtures.js';
import { DEFAULT_USER, ok, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A front end's view: Apollo Client 4 with a default InMemoryCache against the
 * real server. The cache merges objects by `__typename` + `id`, so after every
 * query the cache must answer exactly what the network answered, and Apollo
 * Client must not warn about data it had to throw away.
 */

type Apollo = typeof import('@apollo/client');
let apollo: Apollo;
let app: TestApp;
const logged: string[] = [];
const originals = { warn: console.warn, error: console.error };

beforeAll(async () => {
  // Apollo Client logs its cache warnings only in development builds.
  (globalThis as { __DEV__?: boolean }).__DEV__ = true;
  apollo = await import('@apollo/client');
  const dev = await import('@apollo/client/dev');
  dev.loadDevMessages();
  dev.loadErrorMessages();
  for (const level of ['warn', 'error'] as const) {
    console[level] = (...args: unknown[]) => {
      logged.push(`${level}: ${args.map(String).join(' ')}`);
    };
  }
  app = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on' });
});
afterAll(async () => {
  console.warn = originals.warn;
  console.error = originals.error;
  await app.close();
});
beforeEach(() => {
  logged.length = 0;
});

/** What the server sent, before the cache saw it (the client hands back what the cache then holds). */
const received: { data?: Record<string, unknown> } = {};

const lastReceived = () => received.data as Record<string, any>;

function newClient(userId = DEFAULT_USER): ApolloClientType {
  const recordResponse = new apollo.ApolloLink((operation, forward) =>
    forward(operation).pipe(
      map((result) => {
        received.data = result.data as Record<string, unknown>;
        return result;
      }),
    ),
  );
  const http = new apollo.HttpLink({ uri: `${app.app.url}graphql`, fetch, headers: { 'x-user-id': userId } });
  return new apollo.ApolloClient({ link: apollo.ApolloLink.from([recordResponse, http]), cache: new apollo.InMemoryCache() });
}

/** Runs `query` over the network, then asks the cache alone: the cache's answer must be the server's, complete. */
async function networkThenCache(client: ApolloClientType, query: DocumentNode, variables: Record<string, unknown>) {
  delete received.data;
  const network = await client.query({ query, variables, fetchPolicy: 'network-only' });
  expect(network.error).toBeUndefined();
  const server = lastReceived();
  expect(client.readQuery({ query, variables })).toEqual(server);
  expect(network.data).toEqual(server);
  return server;
}

const dayA = (weightKg: number, name = 'Day A') => ({
  name,
  exercises: [{ name: 'Squat', notes: 'depth', sets: [{ reps: 5, weightKg, restSeconds: 180 }, { reps: 5, weightKg, restSeconds: 180 }] }],
});

describe('Apollo Client 4 with a default cache', () => {
  it('shows every version of a renamed workout as it was, not the current one', async () => {
    const program = ok(await app.gql(CREATE_PROGRAM, { input: { name: 'History', workouts: [dayA(100)], schedule: [{ dayOfWeek: 0, workoutIndex: 0 }] } }))
      .createProgram;
    const ids = { id: program.workouts[0].id, exercises: [{ ...dayA(105).exercises[0], id: program.workouts[0].exercises[0].id }] };
    ok(await app.gql(MODIFY_PROGRAM, { id: program.id, input: { name: 'History', workouts: [{ ...dayA(105, 'Day A (renamed)'), ...ids }], schedule: [] } }));

    const client = newClient();
    const query = apollo.gql`
      query VersionHistory($id: ID!) {
        program(id: $id) {
          id
          workouts { id name exercises { id name sets { reps weightKg } } }
          versions(first: 2) { id number workouts { id name exercises { id name sets { reps weightKg } } } }
        }
      }`;
    const data = await networkThenCache(client, query, { id: program.id });
    const shown = (w: any) => `${w.name}/${w.exercises[0].sets[0].weightKg}`;
    expect(data.program.versions.map((v: any) => [v.number, shown(v.workouts[0])])).toEqual([
      [2, 'Day A (renamed)/105'],
      [1, 'Day A/100'],
    ]);
    expect(shown(data.program.workouts[0])).toBe('Day A (renamed)/105');
    expect(logged).toEqual([]);
  });

  it('keeps the workout screen complete in the cache after a query with other selections of the same objects', async () => {
    const program = ok(await app.gql(CREATE_PROGRAM, { input: { name: 'Screen', workouts: [dayA(80)], schedule: [{ dayOfWeek: 2, workoutIndex: 0 }] } }))
      .createProgram;
    const workout = program.workouts[0];
    const session = ok(await app.gql(START_SESSION, { programId: program.id, workoutId: workout.id, startedAt: '2026-11-02T07:00:00Z' })).startSession;
    for (const setNumber of [1, 2]) {
      ok(await app.gql(LOG_SET, { sessionId: session.id, input: { exerciseId: workout.exercises[0].id, setNumber, reps: 5, weightKg: 80, rpe: 8 } }));
    }
    ok(await app.gql(COMPLETE_SESSION, { sessionId: session.id, completedAt: '2026-11-02T08:00:00Z' }));

    const client = newClient();
    const screen = apollo.gql`
      query WorkoutScreen($id: ID!) {
        program(id: $id) {
          id
          workouts { id name exercises { id name sets { id reps weightKg restSeconds } lastPerformance { id performedAt sets { id setNumber reps weightKg } } } }
          schedule { id dayOfWeek workout { id name } }
        }
      }`;
    const other = apollo.gql`
      query Progress($id: ID!) {
        program(id: $id) {
          id
          workouts { id exercises { id sets { id reps repsMax } lastPerformance { id session { id workoutName } sets { id setNumber rpe } } } }
          schedule { id dayOfWeek }
        }
      }`;
    const first = await networkThenCache(client, screen, { id: program.id });
    expect(first.program.workouts[0].exercises[0].lastPerformance.sets).toHaveLength(2);
    await networkThenCache(client, other, { id: program.id });
    const cached = await client.query({ query: screen, variables: { id: program.id }, fetchPolicy: 'cache-only' });
    expect(cached.data).toEqual(first);
    expect(logged).toEqual([]);
  });
});
