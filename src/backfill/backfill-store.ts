import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { pgArray } from '../db/pg-array.js';
import { PROGRAM_COLUMNS, SESSION_COLUMNS, programRow, sessionRow, timestamp, type ProgramRow } from '../db/rows.js';
import { execute, queryRows } from '../db/sql.js';
import { countsSchema, type BackfillCounts, type UnmatchedItem } from './backfill-report.js';
import { formatShard, shardFilter, shardParams, type Shard } from './backfill-shard.js';

/**
 * SQL of the backfill: keyset batches in primary-key order across the users
 * of one shard (every user when there is one shard), and set-based writes
 * (one statement per table per batch, never per row). Every read of a
 * program or session is filtered by the shard of its `user_id`, so a shard
 * never reads, locks or writes another shard's users.
 */

/** The next programs after `afterId`, soft-deleted ones included, locked so concurrent edits wait for the batch. */
export async function selectProgramBatch(tx: EntityManager, shard: Shard, afterId: string | null, limit: number, lock: boolean): Promise<ProgramRow[]> {
  return queryRows(
    tx,
    'backfillSelectProgramBatch',
    `select ${PROGRAM_COLUMNS} from programs p where (?::uuid is null or p.id > ?::uuid) and ${shardFilter('p.user_id')} order by p.id limit ? ${lock ? 'for update' : ''}`,
    [afterId, afterId, ...shardParams(shard), limit],
    programRow,
  );
}

/** The programs of a batch's sessions; one owned by a user of another shard is left out (the app never links a session to another user's program). */
export async function selectProgramsForUpdate(tx: EntityManager, shard: Shard, ids: readonly string[], lock: boolean): Promise<ProgramRow[]> {
  return queryRows(
    tx,
    'backfillSelectPrograms',
    `select ${PROGRAM_COLUMNS} from programs p where p.id = any(?::uuid[]) and ${shardFilter('p.user_id')} order by p.id ${lock ? 'for update' : ''}`,
    [pgArray(ids), ...shardParams(shard)],
    programRow,
  );
}

/** Points each program at a version its blob holds (a new version 1 or catch-up version, or its current one). */
export async function pointPrograms(tx: EntityManager, links: readonly { programId: string; versionId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await execute(
    tx,
    'backfillPointPrograms',
    `update programs p set current_version_id = r.version_id, legacy_json_version_id = r.version_id
     from jsonb_to_recordset(?::jsonb) as r(program_id uuid, version_id uuid)
     where p.id = r.program_id`,
    [JSON.stringify(links.map((l) => ({ program_id: l.programId, version_id: l.versionId })))],
  );
}

/** Number and hash of versions by id (the current versions of a batch's programs). */
export async function selectVersionHashes(tx: EntityManager, versionIds: readonly string[]): Promise<Map<string, { number: number; contentHash: string }>> {
  if (versionIds.length === 0) return new Map();
  const rows = await queryRows(
    tx,
    'backfillSelectVersionHashes',
    'select v.id, v.version_number, v.content_hash from program_versions v where v.id = any(?::uuid[])',
    [pgArray(versionIds)],
    z.object({ id: z.string(), version_number: z.number().int(), content_hash: z.string() }),
  );
  return new Map(rows.map((r) => [r.id, { number: r.version_number, contentHash: r.content_hash }]));
}

export async function selectSessionBatch(tx: EntityManager, shard: Shard, afterId: string | null, limit: number) {
  return queryRows(
    tx,
    'backfillSelectSessionBatch',
    `select ${SESSION_COLUMNS} from workout_sessions s where (?::uuid is null or s.id > ?::uuid) and ${shardFilter('s.user_id')} order by s.id limit ?`,
    [afterId, afterId, ...shardParams(shard), limit],
    sessionRow,
  );
}

const setToLink = z.object({
  id: z.string(),
  session_id: z.string(),
  exercise_id: z.string().nullable(),
  exercise_name: z.string(),
  exercise_version_id: z.string().nullable(),
});
export type SetToLink = z.output<typeof setToLink>;

/**
 * The sets of a batch's sessions, with only what matching reads: a batch holds
 * about ten thousand, and the logged values (reps, weights, times) would be
 * parsed into numbers and dates only to be thrown away.
 */
export async function selectSetsOfSessions(tx: EntityManager, sessionIds: readonly string[]): Promise<SetToLink[]> {
  return queryRows(
    tx,
    'backfillSelectSets',
    `select st.id, st.session_id, st.exercise_id, st.exercise_name, st.exercise_version_id from workout_session_sets st
     where st.session_id = any(?::uuid[]) order by st.session_id, st.id`,
    [pgArray(sessionIds)],
    setToLink,
  );
}

const versionHead = z.object({ id: z.string(), program_id: z.string(), version_number: z.number().int(), created_at: timestamp });
export type VersionHead = z.output<typeof versionHead>;

export async function selectVersionHeads(tx: EntityManager, programIds: readonly string[]): Promise<VersionHead[]> {
  return queryRows(
    tx,
    'backfillSelectVersionHeads',
    `select v.id, v.program_id, v.version_number, v.created_at from program_versions v where v.program_id = any(?::uuid[]) order by v.program_id, v.version_number`,
    [pgArray(programIds)],
    versionHead,
  );
}

/** Fills the version references (and a missing name snapshot) of sessions; never overwrites a value. */
export async function linkSessions(
  tx: EntityManager,
  links: readonly { id: string; programVersionId: string; workoutVersionId: string; fillSnapshot: string | null }[],
): Promise<void> {
  if (links.length === 0) return;
  await execute(
    tx,
    'backfillLinkSessions',
    `update workout_sessions s set program_version_id = r.program_version_id, workout_version_id = r.workout_version_id,
       workout_name_snapshot = coalesce(s.workout_name_snapshot, r.fill_snapshot)
     from jsonb_to_recordset(?::jsonb) as r(id uuid, program_version_id uuid, workout_version_id uuid, fill_snapshot text)
     where s.id = r.id and s.program_version_id is null`,
    [JSON.stringify(links.map((l) => ({ id: l.id, program_version_id: l.programVersionId, workout_version_id: l.workoutVersionId, fill_snapshot: l.fillSnapshot })))],
  );
}

export async function linkSets(tx: EntityManager, links: readonly { id: string; exerciseVersionId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await execute(
    tx,
    'backfillLinkSets',
    `update workout_session_sets st set exercise_version_id = r.exercise_version_id
     from jsonb_to_recordset(?::jsonb) as r(id uuid, exercise_version_id uuid)
     where st.id = r.id and st.exercise_version_id is null`,
    [JSON.stringify(links.map((l) => ({ id: l.id, exercise_version_id: l.exerciseVersionId })))],
  );
}

export async function insertItems(tx: EntityManager, runId: string, items: readonly UnmatchedItem[]): Promise<void> {
  if (items.length === 0) return;
  await execute(
    tx,
    'backfillInsertItems',
    `insert into backfill_items (run_id, kind, record_id, reason, detail)
     select ?, r.kind, r.id, r.reason, r.detail from jsonb_to_recordset(?::jsonb) as r(kind text, id uuid, reason text, detail text)
     on conflict do nothing`,
    [runId, JSON.stringify(items)],
  );
}

const runRow = z.object({
  id: z.string(),
  shard_index: z.number().int(),
  shard_count: z.number().int(),
  phase: z.enum(['programs', 'sessions', 'done']),
  last_key: z.string().nullable(),
  counts: countsSchema,
  started_at: timestamp,
});
export type RunRow = z.output<typeof runRow>;

const RUN_COLUMNS = 'id, shard_index, shard_count, phase, last_key, counts, started_at';

/** Every unfinished run (of any split), oldest first. */
export async function selectRunningRuns(tx: EntityManager): Promise<RunRow[]> {
  return queryRows(tx, 'backfillSelectRunningRuns', `select ${RUN_COLUMNS} from backfill_runs where status = 'running' order by started_at, shard_index`, [], runRow);
}

/** Serialises starting runs until the end of the transaction, so two splits cannot start side by side. */
export async function lockRunStart(tx: EntityManager): Promise<void> {
  await queryRows(tx, 'backfillLockRunStart', `select pg_advisory_xact_lock(hashtext('training-subgraph:backfill-start'))::text as locked`, [], z.object({ locked: z.string() }));
}

export async function insertRun(tx: EntityManager, id: string, shard: Shard, batchSize: number, counts: BackfillCounts): Promise<RunRow> {
  const [row] = await queryRows(
    tx,
    'backfillInsertRun',
    `insert into backfill_runs (id, status, batch_size, phase, counts, shard_index, shard_count) values (?, 'running', ?, 'programs', ?::jsonb, ?, ?)
     returning ${RUN_COLUMNS}`,
    [id, batchSize, JSON.stringify(counts), shard.index, shard.count],
    runRow,
  );
  return row!;
}

/** The checkpoint: written in the same transaction as the batch it follows. */
export async function updateRun(tx: EntityManager, id: string, phase: RunRow['phase'], lastKey: string | null, counts: BackfillCounts): Promise<void> {
  await execute(tx, 'backfillCheckpoint', `update backfill_runs set phase = ?, last_key = ?, counts = ?::jsonb where id = ?`, [phase, lastKey, JSON.stringify(counts), id]);
}

export async function finishRun(tx: EntityManager, id: string, status: 'completed' | 'failed', error: string | null): Promise<void> {
  await execute(tx, 'backfillFinishRun', `update backfill_runs set status = ?, finished_at = now(), error = ?, phase = case when ? = 'completed' then 'done' else phase end where id = ?`, [
    status,
    error,
    status,
    id,
  ]);
}

/** The items of runs (the shards of one split: their records are disjoint), in (kind, record) order. */
export async function* streamItems(em: EntityManager, runIds: readonly string[], pageSize = 1000): AsyncGenerator<UnmatchedItem> {
  let after: { kind: string; id: string } | null = null;
  for (;;) {
    const rows: { kind: string; record_id: string; reason: string; detail: string }[] = await queryRows(
      em,
      'backfillStreamItems',
      `select kind, record_id, reason, detail from backfill_items where run_id = any(?::uuid[]) and (?::text is null or (kind, record_id) > (?::text, ?::uuid))
       order by kind, record_id limit ?`,
      [pgArray(runIds), after?.kind ?? null, after?.kind ?? null, after?.id ?? null, pageSize],
      z.object({ kind: z.string(), record_id: z.string(), reason: z.string(), detail: z.string() }),
    );
    for (const r of rows) yield { kind: r.kind as UnmatchedItem['kind'], id: r.record_id, reason: r.reason, detail: r.detail };
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { kind: last.kind, id: last.record_id };
  }
}

export async function countRows(em: EntityManager, shard: Shard): Promise<{ programs: number; sessions: number }> {
  const [row] = await queryRows(
    em,
    'backfillCountRows',
    `select (select count(*) from programs p where ${shardFilter('p.user_id')})::int as programs,
            (select count(*) from workout_sessions s where ${shardFilter('s.user_id')})::int as sessions`,
    [...shardParams(shard), ...shardParams(shard)],
    z.object({ programs: z.number(), sessions: z.number() }),
  );
  return row!;
}

/** One shard's run as the server's metrics show it: the shard as `K/N` (`1/1`: a run over every user). */
export interface ShardRunStatus {
  readonly shard: string;
  readonly status: string;
  readonly counts: BackfillCounts;
}

/**
 * Every shard of the latest split (the shard count of the most recent run),
 * each with its most recent run, in shard order: for the server's metrics, so
 * a shard that failed or is still running shows beside the ones that
 * completed. A shard of the split that has never run is not listed.
 */
export async function latestBackfillRuns(orm: MikroORM): Promise<ShardRunStatus[]> {
  const rows = await queryRows(
    orm.em.fork(),
    'latestBackfillRuns',
    `select distinct on (r.shard_index) r.shard_index, r.shard_count, r.status, r.counts
     from backfill_runs r
     where r.shard_count = (select l.shard_count from backfill_runs l order by l.started_at desc limit 1)
     order by r.shard_index, r.started_at desc`,
    [],
    z.object({ shard_index: z.number().int(), shard_count: z.number().int(), status: z.string(), counts: countsSchema }),
  );
  return rows.map((r) => ({ shard: formatShard({ index: r.shard_index, count: r.shard_count }), status: r.status, counts: r.counts }));
}
