import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isAbstractType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { printQuery, selectEverything, split, type Selection, type Variable } from './select-everything.js';
import { insertTwoOldPrograms, TWO_OLD_PROGRAMS_USER } from './two-old-programs.js';
import * as doc from './client-documents.js';

/**
 * What a normalised cache relies on, checked over everything the schema
 * offers: in all the answers one user gets on one read path, two objects with
 * the same `__typename` and `id` never differ in a field both carry. The
 * queries come from the server's introspection (every root field, every field
 * below it to DEPTH levels), so a new type or field is covered without
 * editing this test; the test fails when a type with an `id` that Query
 * reaches was never seen in an answer.
 */


const DEPTH = 4;
const NOW = new Date('2026-11-20T12:00:00Z');
const USERS = [
  { name: 'alice (edited under versioned writes: renames, weights, notes, moves, a deleted workout; sessions of two programs)', id: DEMO_USERS.alice },
  { name: 'bob (pre-Phase-1 blob)', id: DEMO_USERS.bob },
  { name: 'casey (broken schedule, a soft-deleted program)', id: DEMO_USERS.casey },
];
const TWO_OLD_PROGRAMS_USERS = [{ name: 'a user with two old programs sharing ids "1", "2"', id: TWO_OLD_PROGRAMS_USER }];
/** Refusals that mean "too big": the query is split and asked again in parts. */
const TOO_BIG = new Set(['OPERATION_TOO_EXPENSIVE', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);

let db: TestDatabase;
const paths: { name: string; app?: TestApp; env: Record<string, string> }[] = [
  { name: 'legacy reads (versioned writes on)', env: { PROGRAM_VERSIONING_WRITES: 'on' } },
  { name: 'versioned reads', env: { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' } },
];
let schema: GraphQLSchema;
const visited = new Set<string>();
const figures = { queries: 0, objects: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params), NOW);
  await insertTwoOldPrograms(db.sql);
  await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: 100 });
  for (const path of paths) path.app = await startTestApp(path.env, db);
  await editUnderVersionedWrites(paths[0]!.app!, DEMO_USERS.alice);
  const introspection = ok(await paths[0]!.app!.gql<IntrospectionQuery>(getIntrospectionQuery()));
  schema = buildClientSchema(introspection);
}, 180_000);
afterAll(async () => {
  for (const path of paths) await path.app?.close();
  await db.close();
  process.stderr.write(`schema identity: ${figures.queries} queries, ${figures.objects} objects with an id, types visited: ${[...visited].sort().join(', ')}\n`);
});

/** Version history worth checking: every kind of change record, then a session on the edited program. */
async function editUnderVersionedWrites(app: TestApp, userId: string): Promise<void> {
  const program = ok(await app.gql(doc.WORKOUT_SCREEN, {}, userId)).activeProgram;
  const before = ok(await app.gql(doc.EDITOR, { id: program.id }, userId)).program;
  type W = { id: string; name: string; exercises: { id: string; name: string; notes: string | null; sets: { reps: number; repsMax: number | null; weightKg: number | null; restSeconds: number }[] }[] };
  const input = (workouts: W[]) =>
    workouts.map((w) => ({
      id: w.id,
      name: w.name,
      exercises: w.exercises.map((e) => ({ id: e.id, name: e.name, notes: e.notes, sets: e.sets.map(({ reps, repsMax, weightKg, restSeconds }) => ({ reps, repsMax, weightKg, restSeconds })) })),
    }));
  const workouts = input(before.workouts);
  const [first, second, ...rest] = workouts;
  first!.name = `${first!.name} (renamed)`;
  first!.exercises[0]!.sets = first!.exercises[0]!.sets.map((s) => ({ ...s, weightKg: (s.weightKg ?? 0) + 5 }));
  first!.exercises[0]!.name = `${first!.exercises[0]!.name} (paused)`;
  first!.exercises[1]!.notes = 'slow eccentric';
  const moved = first!.exercises.pop()!;
  second!.exercises.unshift(moved);
  second!.exercises.pop();
  second!.exercises.push({ id: undefined as unknown as string, name: 'Face Pull', notes: null, sets: [{ reps: 15, repsMax: null, weightKg: 20, restSeconds: 60 }] });
  const reordered = [second!, first!, ...rest, { id: undefined as unknown as string, name: 'Conditioning', exercises: [{ id: undefined as unknown as string, name: 'Row Erg', notes: null, sets: [{ reps: 1, repsMax: null, weightKg: null, restSeconds: 0 }] }] }];
  const schedule = [{ dayOfWeek: 0, workoutIndex: 1 }, { dayOfWeek: 2, workoutIndex: 0 }, { dayOfWeek: 5, workoutIndex: reordered.length - 1 }];
  const edited = ok(await app.gql(doc.MODIFY_PROGRAM, { id: program.id, input: { name: `${before.name} v2`, workouts: reordered, schedule }, source: 'AI' }, userId)).modifyProgram;
  const deleted = edited.workouts[2];
  ok(await app.gql(doc.DELETE_WORKOUT, { programId: program.id, workoutId: deleted.id }, userId));
  const session = ok(await app.gql(doc.START_SESSION, { programId: program.id, workoutId: edited.workouts[0].id, startedAt: '2026-11-20T15:00:00Z' }, userId)).startSession;
  ok(await app.gql(doc.LOG_SET, { sessionId: session.id, input: { exerciseId: edited.workouts[0].exercises[0].id, setNumber: 1, reps: 12, weightKg: 20 } }, userId));
  ok(await app.gql(doc.COMPLETE_SESSION, { sessionId: session.id, completedAt: '2026-11-20T16:00:00Z' }, userId));
}

/** Ids the root fields' arguments are filled from, read through the API as the user. */
async function knownIds(app: TestApp, userId: string) {
  const data = ok(
    await app.gql(
      `{ programs(first: 100) { id workouts { exercises { id } } versions(first: 3) { id } } sessions(first: 100) { edges { node { id } } } }`,
      {},
      userId,
    ),
  );
  const sessions: string[] = data.sessions.edges.map((e: { node: { id: string } }) => e.node.id);
  return {
    userId,
    programs: data.programs.map((p: { id: string }) => p.id) as string[],
    versions: data.programs.flatMap((p: { versions: { id: string }[] }) => p.versions.map((v) => v.id)) as string[],
    // The newest sessions (the edited program's), and the oldest (logged before Phase 1, against the old program).
    sessions: [...sessions.slice(0, 3), ...sessions.slice(-2)],
    exercises: [...new Set(data.programs.flatMap((p: { workouts: { exercises: { id: string }[] }[] }) => p.workouts.flatMap((w) => w.exercises.map((e) => e.id))))] as string[],
  };
}
type Known = Awaited<ReturnType<typeof knownIds>>;

/**
 * Values for arguments, by `Type.field(argument)`; list sizes kept small. One
 * query per value of the root field's required argument. A required argument
 * not listed here fails the test with its name.
 */
function argumentValues(variable: Variable, known: Known): unknown[] {
  const { argument, path } = variable;
  switch (path) {
    case 'Query.program(id)':
      return known.programs;
    case 'Query.session(id)':
      return known.sessions;
    case 'Query.lastPerformance(exerciseIds)':
      return [known.exercises.slice(0, 200)];
    case 'Query.calendar(from)':
      return ['2026-11-17'];
    case 'Query.calendar(to)':
      return ['2026-11-20'];
    case 'Query._entities(representations)':
      // One representation per query: a gateway's batches are costed per representation too.
      return [
        ...known.programs.map((id) => ({ __typename: 'Program', id })),
        ...known.versions.map((id) => ({ __typename: 'ProgramVersion', id })),
        ...known.sessions.map((id) => ({ __typename: 'Session', id })),
        { __typename: 'User', id: known.userId },
      ].map((representation) => [representation]);
  }
  if (argument.name === 'first') return [3];
  throw new Error(`no value for the required argument ${path}: add one to argumentValues`);
}

/** An argument is sent when required, and `first` always (small pages keep every query under the cost budget). */
const keepArgument = (arg: GraphQLArgument) => arg.name === 'first' || (String(arg.type).endsWith('!') && arg.defaultValue === undefined);

/** A field's value as a cache keeps it: objects with an id by reference, the rest inline. */
function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.__typename === 'string' && o.id !== undefined) return `${o.__typename}:${String(o.id)}`;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, normalised(v)]));
  }
  return value;
}

interface Conflict {
  readonly key: string;
  readonly field: string;
  readonly values: [unknown, unknown];
}

/** Every object with `__typename` and `id` in `value`, field by field, against what was seen before under that key. */
function collect(value: unknown, seen: Map<string, Map<string, string>>, conflicts: Conflict[]): void {
  if (Array.isArray(value)) return value.forEach((v) => collect(v, seen, conflicts));
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  if (typeof o.__typename === 'string' && o.id !== undefined) {
    visited.add(o.__typename);
    figures.objects += 1;
    const key = `${o.__typename}:${String(o.id)}`;
    const fields = seen.get(key) ?? new Map<string, string>();
    seen.set(key, fields);
    for (const [field, v] of Object.entries(o)) {
      const now = JSON.stringify(normalised(v));
      const before = fields.get(field);
      if (before === undefined) fields.set(field, now);
      else if (before !== now && conflicts.length < 20) conflicts.push({ key, field, values: [JSON.parse(before), JSON.parse(now)] });
    }
  }
  for (const v of Object.values(o)) collect(v, seen, conflicts);
}

/** Asks `root` with `variables`; when refused as too big, asks its parts. Returns the answers. */
async function askAll(app: TestApp, userId: string, root: Selection, variables: readonly Variable[], values: Record<string, unknown>): Promise<unknown[]> {
  const response = await app.gql(printQuery(root, variables), values, userId);
  figures.queries += 1;
  const code = response.errors?.[0]?.extensions?.code as string | undefined;
  if (code && TOO_BIG.has(code)) {
    const parts = split(root);
    if (parts.length === 0) {
      // One path of fields, still too big: the same with one item per page.
      const smaller = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, variables.find((v) => v.name === name)?.argument.name === 'first' ? 1 : value]));
      if (JSON.stringify(smaller) === JSON.stringify(values)) throw new Error(`${root.field} is refused (${code}) and cannot be split: ${JSON.stringify(response.errors)}\n${printQuery(root, variables)}`);
      return askAll(app, userId, root, variables, smaller);
    }
    return (await Promise.all(parts.map((p) => askAll(app, userId, p, variables, values)))).flat();
  }
  return [ok(response)];
}

/** Every root query field, every field below it: the answers one user gets on one path. */
async function everything(app: TestApp, userId: string): Promise<unknown[]> {
  const known = await knownIds(app, userId);
  const query = schema.getQueryType()!;
  const answers: unknown[] = [];
  for (const field of Object.values(query.getFields())) {
    const named = getNamedType(field.type);
    if (!isObjectType(named) && !isAbstractType(named)) continue; // `_service { sdl }` and friends carry no identity.
    const { selection, variables } = selectEverything(schema, query, field, DEPTH, keepArgument);
    const choices = variables.map((v) => ({ v, values: argumentValues(v, known) }));
    // One query per value of each argument (in practice: per id of `program(id)`, `session(id)`).
    let combinations: Record<string, unknown>[] = [{}];
    for (const { v, values } of choices) combinations = combinations.flatMap((c) => values.map((value) => ({ ...c, [v.name]: value })));
    for (const values of combinations) answers.push(...(await askAll(app, userId, selection, variables, values)));
  }
  return answers;
}

/** Object types with an `id` field that Query reaches. */
function identifiedTypesReachable(s: GraphQLSchema): string[] {
  const reached = new Set<string>();
  const visit = (type: GraphQLNamedType) => {
    if (reached.has(type.name)) return;
    reached.add(type.name);
    const concrete = isAbstractType(type) ? s.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
    for (const t of concrete) {
      reached.add(t.name);
      for (const f of Object.values(t.getFields())) visit(getNamedType(f.type));
    }
  };
  visit(s.getQueryType()!);
  return [...reached].filter((name) => {
    const type = s.getType(name);
    return isObjectType(type) && 'id' in type.getFields();
  });
}

function checkUser(userId: string) {
  for (const [pathIndex, path] of paths.entries()) {
    it(`on ${path.name}: no two objects with the same __typename and id differ`, async () => {
      const seen = new Map<string, Map<string, string>>();
      const conflicts: Conflict[] = [];
      for (const answer of await everything(paths[pathIndex]!.app!, userId)) collect(answer, seen, conflicts);
      expect(conflicts).toEqual([]);
      expect(seen.size).toBeGreaterThan(0);
    }, 300_000);
  }
}

describe('one identity per object, over queries built from the schema', () => {
  for (const user of USERS) describe(user.name, () => checkUser(user.id));

  describe('a user with two old programs whose blobs share the ids "1", "2"', () => {
    for (const user of TWO_OLD_PROGRAMS_USERS) describe(user.name, () => checkUser(user.id));
  });

  it('visited every type with an id that Query reaches (new types are covered without editing this test)', () => {
    const reachable = identifiedTypesReachable(schema);
    expect(reachable.length).toBeGreaterThanOrEqual(20);
    expect(reachable.filter((t) => !visited.has(t))).toEqual([]);
  });
});
