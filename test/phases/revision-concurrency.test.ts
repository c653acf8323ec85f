import { CREATE_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Lost updates in every phase: N editors read the same revision and race to
 * save. `expectedVersion` cannot see edits that make no version (versioned
 * writes off: Phase 1, users outside a rollout, after a rollback), so with it
 * every racer "won" and all but the last edit were lost. `expectedRevision`
 * lets exactly one through, in every legal flag state.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const RACERS = 16;

const MODIFY = `mutation ($id: ID!, $input: ProgramInput!, $expectedRevision: Int) {
  modifyProgram(id: $id, input: $input, expectedRevision: $expectedRevision) { id name revision } }`;
const READ = `query ($id: ID!) { program(id: $id) { name revision workouts { name } } }`;

const PHASES: [string, Record<string, string>, string][] = [
  ['Phase 1 (all flags off)', {}, '71000000-0000-4000-8000-000000000001'],
  ['Phase 2 (versioned writes on)', { PROGRAM_VERSIONING_WRITES: 'on' }, '71000000-0000-4000-8000-000000000002'],
  ['Phase 4 (versioned writes and reads on)', { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }, '71000000-0000-4000-8000-000000000004'],
  [
    'Phase 5 (legacy JSON writes off)',
    { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' },
    '71000000-0000-4000-8000-000000000005',
  ],
];

describe.each(PHASES)('concurrent edits with the same expectedRevision in %s', (_, flags, user) => {
  it('lets exactly one win, refuses the others with CONFLICT, and loses nothing', async () => {
    const app = await startTestApp(flags, db);
    try {
      const created = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('before the race') }, user)).createProgram;
      const before = ok(await app.gql(READ, { id: created.id }, user)).program;

      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => {
          const input = upperLower(`racer ${i}`);
          input.workouts[0]!.name = `Upper by racer ${i}`;
          return app.gql(MODIFY, { id: created.id, input, expectedRevision: before.revision }, user);
        }),
      );

      const winners = results.filter((r) => !r.errors);
      const losers = results.filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(Array(RACERS - 1).fill('CONFLICT'));
      for (const loser of losers) {
        expect(loser.errors?.[0]?.extensions).toMatchObject({ expectedRevision: before.revision, currentRevision: before.revision + 1 });
      }
      const won = winners[0]!.data!.modifyProgram;
      expect(won.revision).toBe(before.revision + 1);

      const after = ok(await app.gql(READ, { id: created.id }, user)).program;
      expect(after).toEqual({ name: won.name, revision: before.revision + 1, workouts: [{ name: `Upper by ${won.name}` }, { name: 'Lower A' }] });
    } finally {
      await app.close();
    }
  });
});
