import { PHASES, type Phase } from '../../src/flags/phase.js';
import { writePathFor } from '../../src/graphql/context.js';
import { dualWritePath } from '../../src/writes/dual/dual-write-path.js';
import { legacyWritePath } from '../../src/writes/legacy/legacy-write-path.js';
import { versionedWritePath } from '../../src/writes/versioned/versioned-write-path.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The phase picks the write path in one place, and each path stores what its
 * phase promises: the blob alone (Phase 1), blob and version (Phases 2 to 4),
 * the version alone, the blob left behind and marked so (Phase 5).
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const CASES: [Phase, unknown, Record<string, string>][] = [
  [PHASES.legacyOnly, legacyWritePath, {}],
  [PHASES.dualWriteLegacyReads, dualWritePath, { PROGRAM_VERSIONING_WRITES: 'on' }],
  [PHASES.dualWriteVersionedReads, dualWritePath, { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' }],
  [PHASES.versionedOnly, versionedWritePath, { PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' }],
];

/** What an edit left in the program row and the version table. */
const STORED: Record<string, { blobName: string; name: string; versions: number; blobHolds: 'none' | 'current' | 'version 1' }> = {
  'phase-1': { blobName: 'Edited', name: 'Edited', versions: 0, blobHolds: 'none' },
  'phase-2/3': { blobName: 'Edited', name: 'Edited', versions: 2, blobHolds: 'current' },
  'phase-4': { blobName: 'Edited', name: 'Edited', versions: 2, blobHolds: 'current' },
  'phase-5': { blobName: 'Squat', name: 'Created', versions: 2, blobHolds: 'version 1' },
};

describe('writePathFor', () => {
  it.each(CASES.map(([phase, path, env], i) => [phase.name, phase, path, env, i] as const))('%s: picks its path, which stores what the phase promises', async (name, phase, path, env, i) => {
    expect(writePathFor(phase)).toBe(path);
    const app = await startTestApp(env, db);
    try {
      const user = `7c000000-0000-4000-8000-00000000000${i}`;
      const created = upperLower('Created');
      created.workouts[1]!.exercises[0]!.name = 'Squat';
      const { id } = ok(await app.gql(CREATE_PROGRAM, { input: created }, user)).createProgram;
      const edited = upperLower('Edited');
      edited.workouts[1]!.exercises[0]!.name = 'Edited';
      ok(await app.gql(MODIFY_PROGRAM, { id, input: edited }, user));
      const { rows } = await db.sql.query(
        `select p.name, p.program_json #>> '{workouts,1,exercises,0,name}' as blob_name,
           (select count(*)::int from program_versions v where v.program_id = p.id) as versions,
           case when p.legacy_json_version_id is null then 'none' when p.legacy_json_version_id = p.current_version_id then 'current'
                else 'version ' || (select v.version_number from program_versions v where v.id = p.legacy_json_version_id) end as blob_holds
         from programs p where p.id = $1`,
        [id],
      );
      expect(rows[0]).toEqual({ name: STORED[name]!.name, blob_name: STORED[name]!.blobName, versions: STORED[name]!.versions, blob_holds: STORED[name]!.blobHolds });
    } finally {
      await app.close();
    }
  });
});
