import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { ProgramRow, SessionRow } from '../db/rows.js';
import type { MatchTarget, VersionIndex } from '../domain/backfill/history-match.js';
import { readLegacyBlob } from '../domain/legacy-blob.js';
import { blobSync } from '../store/blob-sync.js';
import { insertVersions, selectVersionTrees, type NewVersion } from '../store/version-store.js';
import { planHistory, planPrograms, versionTarget } from './backfill-plan.js';
import { addCounts, emptyCounts, type BackfillCounts, type BackfillOutcome, type UnmatchedItem } from './backfill-report.js';
import { formatShard, WHOLE, type Shard } from './backfill-shard.js';
import { matchIndexOf, VersionIndexCache } from './version-index-cache.js';
import {
  countRows,
  finishRun,
  insertItems,
  insertRun,
  linkSessions,
  lockRunStart,
  linkSets,
  pointPrograms,
  selectProgramBatch,
  selectProgramsForUpdate,
  selectRunningRuns,
  selectSessionBatch,
  selectSetsOfSessions,
  selectVersionHashes,
  selectVersionHeads,
  updateRun,
  type RunRow,
  type VersionHead,
} from './backfill-store.js';

export interface BackfillProgress {
  readonly phase: 'programs' | 'sessions';
  /** Rows (programs + sessions) processed so far, this invocation included. */
  readonly done: number;
  readonly total: number;
}

export interface BackfillOptions {
  readonly url: string;
  readonly dryRun: boolean;
  readonly batchSize: number;
  /** The users this run covers (default: every user, shard 1/1). */
  readonly shard?: Shard;
  /** Aborting stops the run between batches (its checkpoint stays, a later run resumes it). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Where unmatched items go as the run finds them (a dry run has no item table). */
  readonly onItems?: (items: readonly UnmatchedItem[]) => void;
  /** Called when resuming an interrupted run. */
  readonly onResume?: (run: RunRow) => void;
  /** How many versions' match indexes the run keeps across batches (default `VERSION_INDEX_CACHE_SIZE`). */
  readonly versionCacheSize?: number;
}

export class BackfillBusy extends Error {
  override name = 'BackfillBusy';
}

const LOCK_KEY = "hashtext('training-subgraph:backfill')";
const SHARD_LOCK_KEY = "hashtext('training-subgraph:backfill-shard')";

/**
 * Phase 3, for the users of one shard (every user by default). Programs
 * first (version 1 from the blob), then sessions and their sets (linked to
 * version rows), each in keyset batches in primary-key order, one transaction
 * per batch, the checkpoint written in that transaction — so a killed run
 * resumes exactly where it stopped and a re-run changes nothing. A session's
 * program belongs to the session's user, so a shard's program phase has
 * versioned every program its sessions match against, as a run over every
 * user has: the shards of a split add up to that run. One run per shard at a
 * time (session advisory locks); a dry run writes nothing.
 */
export async function runBackfill(orm: MikroORM, options: BackfillOptions): Promise<BackfillOutcome> {
  const started = Date.now();
  const shard = options.shard ?? WHOLE;
  const lock = options.dryRun ? null : await acquireLock(options.url, shard);
  try {
    const em = orm.em.fork();
    const run = options.dryRun ? null : await startOrResume(em, shard, options);
    let counts = run?.counts ?? emptyCounts();
    let phase = run?.phase ?? 'programs';
    let lastKey = run?.last_key ?? null;
    const totals = await countRows(em, shard);
    const total = totals.programs + totals.sessions;
    let done = counts.programs.total + counts.sessions.total;
    let rowsThisRun = 0;
    const versionIndexes = new VersionIndexCache(options.versionCacheSize);

    const batch = async (work: (tx: EntityManager) => Promise<{ counts: BackfillCounts; items: UnmatchedItem[]; last: string | null }>) => {
      options.signal?.throwIfAborted();
      const step = async (tx: EntityManager) => {
        const result = await work(tx);
        const next = addCounts(counts, result.counts);
        const nextPhase = result.last === null ? (phase === 'programs' ? 'sessions' : 'done') : phase;
        if (run) {
          await insertItems(tx, run.id, result.items);
          await updateRun(tx, run.id, nextPhase, result.last, next);
        }
        return { ...result, next, nextPhase };
      };
      const result = options.dryRun ? await step(em) : await em.transactional((tx) => step(tx as EntityManager));
      options.onItems?.(result.items);
      const rows = result.counts.programs.total + result.counts.sessions.total;
      rowsThisRun += rows;
      done += rows;
      counts = result.next;
      phase = result.nextPhase;
      lastKey = result.last;
      if (phase !== 'done') options.onProgress?.({ phase: phase as 'programs' | 'sessions', done, total });
    };

    while (phase === 'programs') {
      await batch(async (tx) => {
        const rows = await selectProgramBatch(tx, shard, lastKey, options.batchSize, !options.dryRun);
        const behind = rows.filter((r) => blobSync(r) === 'blob-newer').map((r) => r.current_version_id!);
        const plan = planPrograms(rows, await selectVersionHashes(tx, behind));
        if (!options.dryRun) {
          await writeVersions(tx, plan.versions);
          await pointPrograms(tx, plan.repoint);
        }
        return { counts: plan.counts, items: plan.items, last: rows.length < options.batchSize ? null : rows.at(-1)!.id };
      });
    }
    while (phase === 'sessions') {
      await batch(async (tx) => {
        const sessions = await selectSessionBatch(tx, shard, lastKey, options.batchSize);
        const { counts: late, targetOf } = await prepareTargets(tx, shard, sessions, options.dryRun, versionIndexes);
        const sets = sessions.length ? await selectSetsOfSessions(tx, sessions.map((s) => s.id)) : [];
        const plan = planHistory(sessions, sets, targetOf);
        if (!options.dryRun) {
          await linkSessions(tx, plan.sessionLinks);
          await linkSets(tx, plan.setLinks);
        }
        return { counts: addCounts(plan.counts, late), items: plan.items, last: sessions.length < options.batchSize ? null : sessions.at(-1)!.id };
      });
    }
    if (run) await finishRun(em, run.id, 'completed', null);
    const durationMs = Date.now() - started;
    return {
      dryRun: options.dryRun,
      runId: run?.id ?? null,
      ...(shard.count > 1 ? { shard: formatShard(shard) } : {}),
      rowsProcessed: rowsThisRun,
      startedAt: (run?.started_at ?? new Date(started)).toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs,
      rowsPerSecond: rowsThisRun / Math.max(durationMs / 1000, 0.001),
      ...counts,
    };
  } finally {
    await lock?.end();
  }
}

/**
 * Every run holds the backfill lock shared and its shard's lock alone: two
 * runs of one shard exclude each other, shards run side by side, and a
 * session holding the backfill lock exclusively stops them all.
 */
async function acquireLock(url: string, shard: Shard): Promise<pg.Client> {
  const client = new pg.Client(url);
  await client.connect();
  const { rows } = await client.query(
    `/* backfillLock */ select pg_try_advisory_lock_shared(${LOCK_KEY}) and pg_try_advisory_lock(${SHARD_LOCK_KEY}, $1) as locked`,
    [shard.index],
  );
  if (!rows[0]?.locked) {
    await client.end();
    throw new BackfillBusy(
      `another backfill is running on this database${shard.count > 1 ? ` (shard ${formatShard(shard)} or the same users)` : ''}; wait for it to finish (it holds the backfill advisory lock)`,
    );
  }
  return client;
}

/**
 * Resumes this shard's unfinished run, or starts one. Runs of another split
 * (another shard count) may not be unfinished: their checkpoints cover other
 * sets of users, so mixing splits would leave some users half done.
 */
async function startOrResume(em: EntityManager, shard: Shard, options: BackfillOptions): Promise<RunRow> {
  return em.transactional(async (tx) => {
    await lockRunStart(tx as EntityManager);
    const running = await selectRunningRuns(tx as EntityManager);
    const other = running.find((r) => r.shard_count !== shard.count);
    if (other) {
      const split = other.shard_count === 1 ? 'no --shard or --workers' : `--workers ${other.shard_count} or --shard K/${other.shard_count}`;
      throw new BackfillBusy(`an interrupted backfill over ${other.shard_count} shard(s) is unfinished (run ${other.id}); finish it first with ${split}`);
    }
    const mine = running.find((r) => r.shard_index === shard.index);
    if (mine) {
      options.onResume?.(mine);
      return mine;
    }
    return insertRun(tx as EntityManager, randomUUID(), shard, options.batchSize, emptyCounts());
  });
}

async function writeVersions(tx: EntityManager, versions: readonly NewVersion[]): Promise<VersionIndex[]> {
  const trees = await insertVersions(tx, versions);
  await pointPrograms(tx, trees.map((t) => ({ programId: t.programId, versionId: t.id })));
  return trees.map((t) => ({ versionId: t.id, content: t.content, workoutRowIds: t.workoutRowIds, exerciseRowIds: t.exerciseRowIds }));
}

/**
 * Loads what the batch's sessions match against: for each session, its
 * program's version current when the session started (version 1 for sessions
 * older than every version). A readable program still without a version
 * (created after the program phase passed it) gets its version 1 here.
 */
async function prepareTargets(
  tx: EntityManager,
  shard: Shard,
  sessions: readonly SessionRow[],
  dryRun: boolean,
  cache: VersionIndexCache,
): Promise<{ counts: BackfillCounts; targetOf: (session: SessionRow) => MatchTarget }> {
  const counts = emptyCounts();
  const programIds = [...new Set(sessions.map((s) => s.program_id).filter((id): id is string => id !== null))];
  const programs = new Map((programIds.length ? await selectProgramsForUpdate(tx, shard, programIds, !dryRun) : []).map((p) => [p.id, p]));
  const heads = programIds.length ? await selectVersionHeads(tx, programIds) : [];
  const headsOf = new Map<string, VersionHead[]>();
  for (const h of heads) {
    const of = headsOf.get(h.program_id);
    if (of) of.push(h);
    else headsOf.set(h.program_id, [h]);
  }

  const late = planPrograms([...programs.values()].filter((p) => !headsOf.has(p.id) && p.current_version_id === null));
  const indexes = new Map<string, VersionIndex>();
  const lateIndexes = dryRun ? late.versions.map(inMemoryIndex) : await writeVersions(tx, late.versions);
  late.versions.forEach((v, i) => {
    const index = lateIndexes[i]!;
    indexes.set(index.versionId, index);
    headsOf.set(v.programId, [{ id: index.versionId, program_id: v.programId, version_number: 1, created_at: new Date(0) }]);
  });
  if (!dryRun) {
    counts.programs.total += late.versions.length;
    counts.programs.versioned += late.versions.length;
  }

  // A session already linked keeps its own version (its unlinked sets match there);
  // others match the version current when they started (version 1 if older than all).
  const chosen = (session: SessionRow): VersionHead | undefined => {
    const candidates = headsOf.get(session.program_id ?? '') ?? [];
    return (
      candidates.find((h) => h.id === session.program_version_id) ??
      candidates.filter((h) => h.created_at <= session.started_at).at(-1) ??
      candidates[0]
    );
  };
  const missing: string[] = [];
  for (const id of new Set(sessions.map((s) => chosen(s)?.id))) {
    if (id === undefined || indexes.has(id)) continue;
    const kept = cache.get(id);
    if (kept) indexes.set(id, kept);
    else missing.push(id);
  }
  // Every version read here was committed before this batch (the only ones this
  // transaction writes, its late version 1s, are in `indexes` already): the run may keep them.
  for (const tree of missing.length ? await selectVersionTrees(tx, null, missing) : []) {
    const index = matchIndexOf(tree);
    indexes.set(tree.id, index);
    cache.add(index);
  }
  // A target depends on the program row and the version only: built once per pair, not per session.
  const targets = new Map<string, MatchTarget>();
  const targetOfProgram = (program: ProgramRow, index: VersionIndex | undefined): MatchTarget => {
    if (index) return versionTarget(program, index);
    const read = readLegacyBlob(program.id, program.program_json);
    return { kind: 'unreadable', detail: `program ${program.id} has an unreadable blob${read.ok ? '' : `: ${read.issues[0]?.message ?? ''}`}` };
  };
  return {
    counts,
    targetOf(session) {
      const program: ProgramRow | undefined = session.program_id ? programs.get(session.program_id) : undefined;
      if (!program) return { kind: 'no-program' };
      const head = chosen(session);
      const index = head ? indexes.get(head.id) : undefined;
      const key = `${program.id} ${index?.versionId ?? ''}`;
      let target = targets.get(key);
      if (!target) targets.set(key, (target = targetOfProgram(program, index)));
      return target;
    },
  };
}

/** A dry run's stand-in for a version it would create: same content, row ids that are never written. */
function inMemoryIndex(version: NewVersion): VersionIndex {
  return {
    versionId: randomUUID(),
    content: version.content,
    workoutRowIds: new Map(version.content.workouts.map((w) => [w.id, randomUUID()])),
    exerciseRowIds: new Map(version.content.workouts.flatMap((w) => w.exercises.map((e) => [e.id, randomUUID()] as const))),
  };
}
