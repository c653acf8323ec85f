import { ACTIVATE_PROGRAM, COMPLETE_SESSION, CREATE_PROGRAM, DELETE_WORKOUT, LOG_SET, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * SQL statements of every write, in every phase, transaction statements
 * included: what the write paths cost may go down, never up unnoticed. Each
 * write runs in one transaction (BEGIN and COMMIT are two of its statements).
 */
const REVERT = `mutation ($id: ID!, $toVersion: Int!) { revertProgram(id: $id, toVersion: $toVersion) { id } }`;

const PHASES: [string, Record<string, string>][] = [
  ['phase-1', {}],
  ['phase-2/3', { PROGRAM_VERSIONING_WRITES: 'on' }],
  ['phase-4', { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', SHADOW_READ_SAMPLE: '0' }],
  ['phase-5', { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' }],
];

/**
 * Statements per write, per phase. A refused revert in Phase 1 runs none.
 * Phase 5 reads the version tree where the other phases read the blob (the
 * program's state is its version there). A version this process wrote is in
 * its tree cache once committed, so no write here reads a tree back: a write
 * whose version another process wrote reads it once (one more statement in
 * Phase 5's modifyProgramUnchanged, activateProgram, deleteWorkout and
 * revertProgram, in every versioned phase's startSession and logSet).
 * logSet: one more than a single `insert … where not exists` since sets are
 * written through the unit of work — the duplicate check is its own count
 * (under the session's row lock).
 */
const EXPECTED: Record<string, Record<string, number>> = {
  'phase-1': { createProgram: 3, modifyProgram: 4, modifyProgramUnchanged: 3, modifyProgramExpectedVersion: 3, activateProgram: 6, startSession: 4, logSet: 7, completeSession: 4, deleteWorkout: 4, revertProgram: 0 },
  'phase-2/3': { createProgram: 5, modifyProgram: 6, modifyProgramUnchanged: 4, modifyProgramExpectedVersion: 4, activateProgram: 7, startSession: 5, logSet: 7, completeSession: 4, deleteWorkout: 6, revertProgram: 7 },
  'phase-4': { createProgram: 5, modifyProgram: 6, modifyProgramUnchanged: 4, modifyProgramExpectedVersion: 4, activateProgram: 7, startSession: 5, logSet: 7, completeSession: 4, deleteWorkout: 6, revertProgram: 7 },
  'phase-5': { createProgram: 5, modifyProgram: 6, modifyProgramUnchanged: 4, modifyProgramExpectedVersion: 4, activateProgram: 7, startSession: 5, logSet: 7, completeSession: 4, deleteWorkout: 6, revertProgram: 7 },
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

function counted(response: GraphQLResponse, expectError = false): number {
  if (!expectError && response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return response.statements;
}

async function writeCounts(app: TestApp, user: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const created = await app.gql(CREATE_PROGRAM, { input: upperLower('Counted') }, user);
  counts.createProgram = counted(created);
  const program = created.data!.createProgram;
  const edited = upperLower('Counted, edited');
  const input = { ...edited, workouts: edited.workouts.map((w, i) => ({ ...w, id: program.workouts[i].id })) };
  counts.modifyProgram = counted(await app.gql(MODIFY_PROGRAM, { id: program.id, input }, user));
  counts.modifyProgramUnchanged = counted(await app.gql(MODIFY_PROGRAM, { id: program.id, input }, user));
  counts.modifyProgramExpectedVersion = counted(await app.gql(MODIFY_PROGRAM, { id: program.id, input, expectedVersion: 0 }, user), true);
  counts.activateProgram = counted(await app.gql(ACTIVATE_PROGRAM, { id: program.id }, user));
  const workout = program.workouts[0];
  const session = await app.gql(START_SESSION, { programId: program.id, workoutId: workout.id }, user);
  counts.startSession = counted(session);
  const sessionId = session.data!.startSession.id;
  counts.logSet = counted(await app.gql(LOG_SET, { sessionId, input: { exerciseId: workout.exercises[0].id, setNumber: 1, reps: 5 } }, user));
  counts.completeSession = counted(await app.gql(COMPLETE_SESSION, { sessionId }, user));
  counts.deleteWorkout = counted(await app.gql(DELETE_WORKOUT, { programId: program.id, workoutId: program.workouts[1].id }, user));
  counts.revertProgram = counted(await app.gql(REVERT, { id: program.id, toVersion: 1 }, user), true);
  return counts;
}

describe('SQL statements per write', () => {
  it.each(PHASES.map(([name, env], i) => [name, env, `7b000000-0000-4000-8000-00000000000${i}`] as const))('%s', async (name, env, user) => {
    const app = await startTestApp(env, db);
    try {
      const counts = await writeCounts(app, user);
      expect(counts).toEqual(EXPECTED[name]);
    } finally {
      await app.close();
    }
  });
});
