import { inTransaction } from '../../src/db/transaction.js';
import { versionTreeCache, VersionTreeCache } from '../../src/store/version-tree-cache.js';
import { currentState } from '../../src/writes/program-lock.js';
import { versionedWritePath } from '../../src/writes/versioned/versioned-write-path.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A version this process writes goes into its tree cache once committed, as
 * the tree that the database then holds: the mutation's own answer and the
 * next read of that version run no tree statement, and serve exactly what a
 * read from the database would.
 */
const USER = '7c000000-0000-4000-8000-000000000001';
const CURRENT_VERSION = `query ($id: ID!) { program(id: $id) { id currentVersion { id number workouts { id name exercises { id name } } } } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', SHADOW_READ_SAMPLE: '0' });
});
afterAll(async () => app.close());

async function currentVersionId(programId: string): Promise<string> {
  return (await app.db.sql.query('select current_version_id from programs where id = $1', [programId])).rows[0].current_version_id;
}

describe('trees of written versions', () => {
  it('are cached as the database holds them, and read back without a statement', async () => {
    const program = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('Kept') }, USER)).createProgram;
    const edited = upperLower('Kept, edited');
    const input = { ...edited, workouts: edited.workouts.map((w, i) => ({ ...w, id: program.workouts[i].id })) };
    ok(await app.gql(MODIFY_PROGRAM, { id: program.id, input }, USER));
    const versionId = await currentVersionId(program.id);

    const em = app.db.orm.em.fork();
    const cached = (await versionTreeCache.load(em, USER, [versionId])).get(versionId);
    const stored = (await new VersionTreeCache().load(em, USER, [versionId])).get(versionId);
    expect(stored).toBeDefined();
    expect(cached).toStrictEqual(stored);

    // Reading the program (one statement: the program row) needs no tree statement.
    const read = await app.gql(CURRENT_VERSION, { id: program.id }, USER);
    expect(ok(read).program.currentVersion.number).toBe(2);
    expect(read.statements).toBe(1);
  });

  it('of a write that rolled back are not cached', async () => {
    const program = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('Refused') }, USER)).createProgram;
    let written: string | null = null;
    await expect(
      inTransaction(app.db.orm.em.fork(), async (tx) => {
        const locked = (await versionedWritePath.lockProgram(tx, USER, program.id, { checksVersion: false }))!;
        const base = await currentState(tx, locked.row);
        const row = await versionedWritePath.saveProgram(tx, locked, base, { ...base, name: 'Refused, edited' }, 'USER');
        written = row.current_version_id;
        // The version is written in this transaction; whatever fails after it takes it back.
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(written).not.toBeNull();
    expect(written).not.toBe(await currentVersionId(program.id));
    expect((await versionTreeCache.load(app.db.orm.em.fork(), USER, [written!])).size).toBe(0);
  });
});
