import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { EvaluatedFlags } from '../../src/flags/legal-phase.js';
import { normaliseFlags } from '../../src/flags/legal-phase.js';
import { freePort, killStillRunning, readyStatus, run, waitFor, type Running } from '../cli/processes.js';
import {
  CALENDAR,
  DELETE_WORKOUT,
  EDITOR,
  HISTORY,
  LAST_PERFORMANCE,
  LOG_SET,
  MODIFY_PROGRAM,
  SESSION,
  START_SESSION,
  COMPLETE_SESSION,
  VERSION_HISTORY,
  WORKOUT_SCREEN,
} from '../clients/client-documents.js';
import { fixed, flagFilePath, fractional, phaseFile, writeFlagFile } from '../flags/flag-files.js';
import { ACTIVATE_PROGRAM, CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { composeSupergraph, trainingTypeDefs } from './in-process-federation.js';

/*
 * Two real server processes (`node --import tsx src/cli/start.ts`, separate
 * OS processes) on one database and one flag file, behind one
 * `@apollo/gateway`. The gateway knows one URL for the subgraph, as a router
 * in front of a load balancer does; the test plays the load balancer and
 * names, per operation, which process serves it, so "written through A, read
 * through B" is a fact of the test, not a matter of luck. Each process's own
 * request log confirms it served what the test sent it.
 */

type Replica = 'A' | 'B';

interface Process {
  readonly running: Running;
  readonly url: string;
}

interface Context {
  readonly userId: string;
  readonly replica: Replica;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let db: TestDatabase;
let flagsFile: string;
const processes = {} as Record<Replica, Process>;
let gateway: ApolloServer<Context>;

async function startReplica(): Promise<Process> {
  const port = await freePort();
  const running = run('node', ['--import', 'tsx', 'src/cli/start.ts'], {
    DATABASE_URL: db.url,
    PORT: String(port),
    METRICS_PORT: '0',
    FLAGS_FILE: flagsFile,
    SEED_DEMO_DATA: 'off',
    LOG_LEVEL: 'info',
  });
  await waitFor(`the replica on port ${port} to be ready\n${running.output()}`, async () => (await readyStatus(port)) === 200, 60_000);
  return { running, url: `http://127.0.0.1:${port}/graphql` };
}

/** The request log lines a process wrote (its stdout is one JSON object per line). */
function requestLog(replica: Replica): Record<string, any>[] {
  return processes[replica].running
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((line) => line.msg === 'graphql request');
}

let operationNumber = 0;

/**
 * Sends `query` through the gateway, served by `replica`; returns the data
 * and checks in that process's request log that it (and not the other) ran
 * the subgraph fetch.
 */
async function via(replica: Replica, userId: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data: Record<string, any>; phase: string }> {
  // A unique operation name per call, so the request log line can be told apart.
  const name = `Op${++operationNumber}`;
  const named = query.replace(/^\s*(query|mutation)\s*[A-Za-z0-9_]*/, `$1 ${name}`);
  const response = await gateway.executeOperation({ query: named, variables }, { contextValue: { userId, replica } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors } = response.body.singleResult;
  if (errors?.length) throw new Error(`${name} via ${replica}: ${JSON.stringify(errors, null, 2)}`);
  const other: Replica = replica === 'A' ? 'B' : 'A';
  const mine = (r: Replica) => requestLog(r).filter((l) => typeof l.operation === 'string' && l.operation.startsWith(`${name}__`));
  // The process logs the request as it answers; the line reaches our pipe a moment later.
  await waitFor(`${replica}'s request log line for ${name}`, () => mine(replica).length > 0, 10_000);
  const served = mine(replica);
  expect(served).toHaveLength(1);
  expect(mine(other)).toHaveLength(0);
  expect(served[0]!.userId).toBe(userId);
  return { data: data as Record<string, any>, phase: served[0]!.phase as string };
}

/** Waits until `replica` serves `userId` in the phase `flags` normalise to (the file is polled about once a second). */
async function untilPhase(replica: Replica, userId: string, flags: EvaluatedFlags): Promise<void> {
  const want = normaliseFlags(flags).name;
  await waitFor(`${replica} to serve ${want}`, async () => (await via(replica, userId, `query { programs { id } }`)).phase === want, 20_000);
}

beforeAll(async () => {
  db = await createTestDatabase();
  flagsFile = flagFilePath();
  writeFlagFile(flagsFile, phaseFile(2));
  [processes.A, processes.B] = await Promise.all([startReplica(), startReplica()]);
  // One URL for the subgraph, as the router sees a load balancer; `willSendRequest` is the balancer.
  const supergraphSdl = composeSupergraph([{ name: 'training', url: processes.A.url, typeDefs: trainingTypeDefs() }]);
  const apollo = new ApolloGateway({
    supergraphSdl,
    logger: quiet,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          const { userId, replica } = context as Context;
          request.http!.headers.set('x-user-id', userId);
          (request.http as { url: string }).url = processes[replica].url;
        },
      }),
  });
  gateway = new ApolloServer<Context>({ gateway: apollo, logger: quiet });
  await gateway.start();
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await killStillRunning();
  await db?.close();
  if (flagsFile) rmSync(dirname(flagsFile), { recursive: true, force: true });
});

const PHASE_2_USER = '15150000-0000-4000-8000-000000000002';
const PHASE_4_USER = '15150000-0000-4000-8000-000000000004';

/**
 * Every write goes through one process and is read at once through the other:
 * program edits, activation, a workout removed, sets logged, a session
 * completed and the last performance it makes, and version history read (and
 * cached) by one process while the other writes a new version.
 */
async function writesSeenAcross(userId: string, expectedPhase: string): Promise<void> {
  const program = (await via('A', userId, CREATE_PROGRAM, { input: upperLower('Gateway plan') })).data.createProgram;
  const second = (await via('B', userId, CREATE_PROGRAM, { input: upperLower('Gateway deload') })).data.createProgram;
  await via('A', userId, ACTIVATE_PROGRAM, { id: program.id });

  // Both processes serve the workout screen: B caches what it can of this version.
  const before = await via('B', userId, WORKOUT_SCREEN);
  expect(before.phase).toBe(expectedPhase);
  expect(before.data.activeProgram.id).toBe(program.id);
  expect(before.data.activeProgram.workouts[0].exercises[0].sets.map((s: any) => s.weightKg)).toEqual([60, 60, 60]);

  // An edit through A: B shows it on its very next request.
  const edited = upperLower('Gateway plan, heavier');
  edited.workouts[0]!.exercises[0]!.sets = edited.workouts[0]!.exercises[0]!.sets.map((s) => ({ ...s, weightKg: 70 }));
  const input = {
    ...edited,
    workouts: edited.workouts.map((w, i) => ({ ...w, id: program.workouts[i].id, exercises: w.exercises.map((e, j) => ({ ...e, id: program.workouts[i].exercises[j].id })) })),
  };
  await via('A', userId, MODIFY_PROGRAM, { id: program.id, input });
  const after = await via('B', userId, WORKOUT_SCREEN);
  expect(after.data.activeProgram.name).toBe('Gateway plan, heavier');
  expect(after.data.activeProgram.workouts[0].exercises[0].sets.map((s: any) => s.weightKg)).toEqual([70, 70, 70]);
  expect(after.data).toEqual((await via('A', userId, WORKOUT_SCREEN)).data);

  // A session started through B, a set logged through A, read through B.
  const upper = program.workouts[0];
  const bench = upper.exercises[0].id as string;
  const session = (await via('B', userId, START_SESSION, { programId: program.id, workoutId: upper.id, startedAt: '2026-11-23T07:00:00Z' })).data.startSession;
  await via('A', userId, LOG_SET, { sessionId: session.id, input: { exerciseId: bench, setNumber: 1, reps: 8, weightKg: 72.5 } });
  const seen = (await via('B', userId, SESSION, { id: session.id })).data.session;
  expect(seen.sets.map((s: any) => [s.exerciseId, s.reps, s.weightKg])).toEqual([[bench, 8, 72.5]]);

  // Completed through A: B's session, history, calendar and last performance show it.
  await via('A', userId, COMPLETE_SESSION, { sessionId: session.id, completedAt: '2026-11-23T08:00:00Z' });
  expect((await via('B', userId, SESSION, { id: session.id })).data.session.completedAt).toBe('2026-11-23T08:00:00.000Z');
  const history = (await via('B', userId, HISTORY, { first: 5 })).data.sessions.edges;
  expect(history.map((e: any) => [e.node.id, e.node.completedAt])).toEqual([[session.id, '2026-11-23T08:00:00.000Z']]);
  const week = (await via('B', userId, CALENDAR, { from: '2026-11-23', to: '2026-11-23' })).data.calendar;
  expect(week[0].sessions.map((s: any) => s.id)).toEqual([session.id]);
  const lastB = (await via('B', userId, LAST_PERFORMANCE, { exerciseIds: [bench] })).data.lastPerformance;
  expect(lastB.map((p: any) => [p.session.id, p.sets.map((s: any) => s.weightKg)])).toEqual([[session.id, [72.5]]]);

  // A newer session, all through B: A's last performance (asked before) moves on to it.
  expect((await via('A', userId, LAST_PERFORMANCE, { exerciseIds: [bench] })).data.lastPerformance[0].session.id).toBe(session.id);
  const next = (await via('B', userId, START_SESSION, { programId: program.id, workoutId: upper.id, startedAt: '2026-11-26T07:00:00Z' })).data.startSession;
  await via('B', userId, LOG_SET, { sessionId: next.id, input: { exerciseId: bench, setNumber: 1, reps: 6, weightKg: 75 } });
  await via('B', userId, COMPLETE_SESSION, { sessionId: next.id, completedAt: '2026-11-26T08:00:00Z' });
  const lastA = (await via('A', userId, LAST_PERFORMANCE, { exerciseIds: [bench] })).data.lastPerformance;
  expect(lastA.map((p: any) => [p.session.id, p.sets.map((s: any) => s.weightKg)])).toEqual([[next.id, [75]]]);
  const screenA = (await via('A', userId, WORKOUT_SCREEN)).data.activeProgram.workouts[0].exercises[0].lastPerformance;
  expect(screenA.sets.map((s: any) => s.weightKg)).toEqual([75]);

  // Activated through B: A's active program is the other one at once.
  await via('B', userId, ACTIVATE_PROGRAM, { id: second.id });
  expect((await via('A', userId, WORKOUT_SCREEN)).data.activeProgram.id).toBe(second.id);

  // A workout removed through A: B's editor no longer has it.
  expect((await via('B', userId, EDITOR, { id: second.id })).data.program.workouts).toHaveLength(2);
  await via('A', userId, DELETE_WORKOUT, { programId: second.id, workoutId: second.workouts[1].id });
  const editorB = (await via('B', userId, EDITOR, { id: second.id })).data.program;
  expect(editorB.workouts.map((w: any) => w.id)).toEqual([second.workouts[0].id]);

  // Version history read (and its trees cached) by A; B writes a new version; A shows it, the old ones unchanged.
  const historyA = (await via('A', userId, VERSION_HISTORY, { id: program.id })).data.program;
  expect(historyA.currentVersion.number).toBe(2);
  const renamed = { ...input, name: 'Gateway plan, renamed through B' };
  await via('B', userId, MODIFY_PROGRAM, { id: program.id, input: renamed });
  const historyA2 = (await via('A', userId, VERSION_HISTORY, { id: program.id })).data.program;
  expect(historyA2.currentVersion.number).toBe(3);
  expect(historyA2.versions[0].name).toBe('Gateway plan, renamed through B');
  expect(historyA2.versions[1]).toEqual(historyA.versions[0]);
  expect(historyA2).toEqual((await via('B', userId, VERSION_HISTORY, { id: program.id })).data.program);
}

test('Phase 2/3 from the flag file: a write through one process is read at once through the other', async () => {
  await writesSeenAcross(PHASE_2_USER, 'phase-2/3');
}, 60_000);

test('after the flag file moves to Phase 4 both processes serve it, and a write through one is read at once through the other', async () => {
  writeFlagFile(flagsFile, phaseFile(4));
  const phase4 = { versioningWrites: true, versioningReads: true, legacyJsonWrites: true };
  await Promise.all([untilPhase('A', PHASE_4_USER, phase4), untilPhase('B', PHASE_4_USER, phase4)]);
  await writesSeenAcross(PHASE_4_USER, 'phase-4');
}, 90_000);

test('a percentage rollout in the flag file puts each user in the same phase on both processes', async () => {
  writeFlagFile(flagsFile, {
    flags: { PROGRAM_VERSIONING_WRITES: fixed(true), PROGRAM_VERSIONING_READS: fractional(50, true), LEGACY_JSON_WRITES: fixed(true) },
  });
  const users = Array.from({ length: 12 }, (_, i) => `15150000-0000-4000-8000-${String(100 + i).padStart(12, '0')}`);
  // Under the previous file every user was in Phase 4: a process serves some in Phase 2/3 once it has loaded this one.
  const phasesOn = async (replica: Replica) => Promise.all(users.map(async (u) => (await via(replica, u, `query { programs { id } }`)).phase));
  await waitFor('both processes to apply the rollout', async () => {
    const [a, b] = await Promise.all([phasesOn('A'), phasesOn('B')]);
    return new Set(a).size === 2 && new Set(b).size === 2;
  }, 20_000);
  // The sweep that saw it may have straddled the load (its first users answered under the old file): ask again.
  const [a, b] = await Promise.all([phasesOn('A'), phasesOn('B')]);
  expect(b).toEqual(a);
  expect(new Set(a)).toEqual(new Set(['phase-2/3', 'phase-4']));
}, 60_000);
