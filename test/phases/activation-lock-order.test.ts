import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Concurrent activations across one user's programs once failed with
 * "deadlock detected": each locked the user's program rows in scan order,
 * which updates shuffle, so two activations could each hold a row the other
 * waited for. Rows are now locked in id order. Several rounds of many
 * concurrent activations, in both write modes: no error, one active program.
 * A deadlock is still an error here (40P01); the bounded waits are raised,
 * because on a loaded machine thirty activations of one user, each waiting
 * for the row locks of the one before, can outlast the 2 s lock_timeout
 * without any deadlock.
 */
const PATIENT = { DB_LOCK_TIMEOUT_MS: '60000', DB_ACQUIRE_TIMEOUT_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '60000' };
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const PROGRAMS = 8;
const ACTIVATIONS = 30;
const ROUNDS = 5;
const ACTIVATE = `mutation ($id: ID!) { activateProgram(id: $id) { id isActive } }`;

async function activeCount(user: string): Promise<number> {
  const { rows } = await db.sql.query('select count(*)::int as n from programs where user_id = $1 and is_active', [user]);
  return rows[0].n;
}

async function race(app: TestApp, user: string): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < PROGRAMS; i++) ids.push(ok(await app.gql(CREATE_PROGRAM, { input: upperLower(`Program ${i}`) }, user)).createProgram.id);
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(Array.from({ length: ACTIVATIONS }, (_, i) => app.gql(ACTIVATE, { id: ids[(i * 3 + round) % PROGRAMS] }, user)));
    expect(results.flatMap((r) => r.errors ?? []).map((e) => e.message)).toEqual([]);
    expect(await activeCount(user)).toBe(1);
  }
  const { programs } = ok(await app.gql(`{ programs { id isActive } }`, {}, user));
  expect(programs.filter((p: { isActive: boolean }) => p.isActive)).toHaveLength(1);
}

describe('concurrent activateProgram across a user’s programs', () => {
  it.each([
    ['versioned writes off', {}, '74000000-0000-4000-8000-000000000001'],
    ['versioned writes on', { PROGRAM_VERSIONING_WRITES: 'on' }, '74000000-0000-4000-8000-000000000002'],
  ])('never deadlocks and leaves exactly one program active (%s)', async (_, flags, user) => {
    const app = await startTestApp({ ...PATIENT, ...flags }, db);
    try {
      await race(app, user);
    } finally {
      await app.close();
    }
  });
});
