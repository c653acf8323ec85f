import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { PROGRAM_COLUMNS, programRow, type ProgramRow } from '../db/rows.js';
import { execute, queryRows } from '../db/sql.js';
import { writeLegacyBlob } from '../domain/legacy-blob.js';
import { selectVersionTrees } from '../store/version-store.js';

export interface RestoreOptions {
  readonly batchSize: number;
  readonly onProgress?: (restored: number) => void;
}

/**
 * Rollback after Phase 5: rewrites `program_json` from the current version for
 * every program whose versions moved on while legacy writes were off, so the
 * legacy read path (and a `migrate down` of the version tables) sees every
 * edit. Batches of locked rows, one set-based update per batch; safe to
 * re-run (a restored program is in sync and is not selected again).
 */
export async function restoreLegacy(orm: MikroORM, options: RestoreOptions): Promise<number> {
  let restored = 0;
  for (;;) {
    const count = await orm.em.fork().transactional(async (tx) => {
      const rows = await queryRows(
        tx as EntityManager,
        'restoreLegacySelectBehind',
        `select ${PROGRAM_COLUMNS} from programs p
         where p.legacy_json_version_id is not null and p.current_version_id is distinct from p.legacy_json_version_id
         order by p.id limit ? for update`,
        [options.batchSize],
        programRow,
      );
      if (rows.length === 0) return 0;
      await rewriteBlobs(tx as EntityManager, rows);
      return rows.length;
    });
    if (count === 0) return restored;
    restored += count;
    options.onProgress?.(restored);
  }
}

async function rewriteBlobs(tx: EntityManager, rows: readonly ProgramRow[]): Promise<void> {
  const trees = new Map((await selectVersionTrees(tx, null, rows.map((r) => r.current_version_id!))).map((t) => [t.id, t]));
  const updates = rows.map((row) => {
    const tree = trees.get(row.current_version_id!);
    if (!tree) throw new Error(`program ${row.id} points at version ${row.current_version_id}, which does not exist`);
    return { id: row.id, version_id: tree.id, name: tree.name, blob: writeLegacyBlob(tree.content) };
  });
  await execute(
    tx,
    'restoreLegacyRewriteBlobs',
    `update programs p set program_json = r.blob, name = r.name, legacy_json_version_id = r.version_id
     from jsonb_to_recordset(?::jsonb) as r(id uuid, version_id uuid, name text, blob jsonb) where p.id = r.id`,
    [JSON.stringify(updates)],
  );
}
