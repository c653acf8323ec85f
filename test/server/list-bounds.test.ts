import { randomUUID } from 'node:crypto';
import { buildSchema as buildSdl } from 'graphql';
import { HISTORY_LIMITS } from '../../src/domain/history-limits.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { assertEveryListBounded, unboundedListFields } from '../../src/server/operation-cost/list-bounds.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

describe('every list field has a bound', () => {
  it('in the served schema', () => {
    expect(unboundedListFields(buildSchema())).toEqual([]);
  });

  it('and a list field without one stops start-up, named', () => {
    const schema = buildSdl(`type Query { programs: [Program!]! tags: [String!] one: Program } type Program { id: ID! notes: [String] }`);
    expect(unboundedListFields(schema, { 'Query.programs': () => 1 })).toEqual(['Query.tags', 'Program.notes']);
    expect(() => assertEveryListBounded(schema)).toThrow(/No list bound for .*Query\.tags/);
  });
});

/**
 * Logged history had no bound per list: rows are never deleted and some were
 * written before any limit. Reads show the first HISTORY_LIMITS of each, so
 * the cost analysis can count them at that size.
 */
describe('history lists show at most their bound', () => {
  let t: TestApp;
  const USER = '7b000000-0000-4000-8000-000000000001';
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function insertSession(startedAt: string, sets: { exerciseId: string; setNumber: number }[] = []): Promise<string> {
    const id = randomUUID();
    await t.db.sql.query(
      `/* testInsertSession */ insert into workout_sessions (id, user_id, workout_name_snapshot, started_at, completed_at) values ($1, $2, 'Old', $3, $3::timestamptz + interval '1 hour')`,
      [id, USER, startedAt],
    );
    await t.db.sql.query(
      `/* testInsertSets */ insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, completed_at)
       select gen_random_uuid(), $1, $2, r.exercise_id, 'Old', r.set_number, 5, $3 from jsonb_to_recordset($4::jsonb) as r(exercise_id text, set_number int)`,
      [id, USER, startedAt, JSON.stringify(sets.map((s) => ({ exercise_id: s.exerciseId, set_number: s.setNumber })))],
    );
    return id;
  }

  it('a calendar day shows its first 20 sessions', async () => {
    const inserted: { id: string; startedAt: string }[] = [];
    for (let i = 0; i < 25; i++) {
      const startedAt = `2023-03-01T${String(i % 24).padStart(2, '0')}:${i < 24 ? '00' : '30'}:00.000Z`;
      inserted.push({ id: await insertSession(startedAt), startedAt });
    }
    const [day] = ok(await t.gql(`{ calendar(from: "2023-03-01", to: "2023-03-01") { sessions { id startedAt } } }`, {}, USER)).calendar;
    expect(day.sessions).toHaveLength(HISTORY_LIMITS.maxSessionsPerDay);
    const oldestFirst = inserted.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(day.sessions).toEqual(oldestFirst.slice(0, HISTORY_LIMITS.maxSessionsPerDay));
  });

  it('a session shows its first 1500 sets, and a last performance its first 30', async () => {
    const sets = Array.from({ length: 1600 }, (_, i) => ({ exerciseId: i < 40 ? 'squat' : `x${Math.floor(i / 40)}`, setNumber: (i % 40) + 1 }));
    const id = await insertSession('2023-04-01T07:00:00Z', sets);
    const session = ok(await t.gql(`query ($id: ID!) { session(id: $id) { sets { exerciseId setNumber } } }`, { id }, USER)).session;
    expect(session.sets).toHaveLength(HISTORY_LIMITS.maxSetsPerSession);
    const [performance] = ok(await t.gql(`{ lastPerformance(exerciseIds: ["squat"]) { sets { setNumber } } }`, {}, USER)).lastPerformance;
    expect(performance.sets.map((s: any) => s.setNumber)).toEqual(Array.from({ length: HISTORY_LIMITS.maxSetsPerPerformance }, (_, i) => i + 1));
  });
});
