import { ACTIVATE_PROGRAM, CREATE_PROGRAM, MODIFY_PROGRAM, START_SESSION, upperLower } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A program write is one statement that names the user and returns what the
 * database made of the row (`revision`, counted by a trigger; `updated_at`,
 * the database's clock): the program a mutation returns is the stored one,
 * in every phase, and the statement changed the row it answers for.
 */
const PHASES: [string, Record<string, string>][] = [
  ['phase 1', {}],
  ['phase 2/3', { PROGRAM_VERSIONING_WRITES: 'on' }],
  ['phase 5', { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' }],
];
const FIELDS = 'id isActive updatedAt revision currentVersion { id }';
const MODIFY = `mutation ($id: ID!, $input: ProgramInput!) { modifyProgram(id: $id, input: $input) { ${FIELDS} } }`;
const ACTIVATE = `mutation ($id: ID!) { activateProgram(id: $id) { ${FIELDS} } }`;
const PROGRAM = `query ($id: ID!) { program(id: $id) { ${FIELDS} } }`;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

async function stored(id: string) {
  const { rows } = await db.sql.query('select revision, updated_at, is_active, current_version_id, legacy_json_version_id from programs where id = $1', [id]);
  return rows[0] as { revision: number; updated_at: Date; is_active: boolean; current_version_id: string | null; legacy_json_version_id: string | null };
}

test.each(PHASES.map(([name, env], i) => [name, env, `7c000000-0000-4000-8000-00000000000${i}`] as const))('%s: writes return the stored revision and updated_at', async (_, env, user) => {
  const app = await startTestApp(env, db);
  try {
    const gql = async (query: string, variables: Record<string, unknown>) => ok(await app.gql(query, variables, user));
    const created = (await gql(CREATE_PROGRAM, { input: upperLower('Stored') })).createProgram;
    const input = upperLower('Stored, edited');
    const modified = (await gql(MODIFY, { id: created.id, input: { ...input, workouts: input.workouts.map((w, i) => ({ ...w, id: created.workouts[i].id })) } })).modifyProgram;
    let row = await stored(created.id);
    expect(modified).toEqual({ id: created.id, isActive: false, updatedAt: row.updated_at.toISOString(), revision: row.revision, currentVersion: row.current_version_id ? { id: row.current_version_id } : null });
    expect(modified.revision).toBe(2);

    const activated = (await gql(ACTIVATE, { id: created.id })).activateProgram;
    row = await stored(created.id);
    expect(activated).toEqual({ ...modified, isActive: true, updatedAt: row.updated_at.toISOString(), revision: 3 });
    expect(row.is_active).toBe(true);
    // Activating the active program again changes nothing, so it writes nothing.
    expect((await gql(ACTIVATE, { id: created.id })).activateProgram).toEqual(activated);
    expect(await stored(created.id)).toEqual(row);

    // A session on it changes no pointer where the program's version is current.
    await gql(START_SESSION, { programId: created.id, workoutId: created.workouts[0].id });
    expect(await stored(created.id)).toEqual(row);
    expect((await gql(PROGRAM, { id: created.id })).program).toEqual(activated);
  } finally {
    await app.close();
  }
});
