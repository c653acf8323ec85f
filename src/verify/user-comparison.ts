import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { queryRows } from '../db/sql.js';
import { differingPaths } from '../domain/differing-paths.js';
import type { ExercisePerformanceModel, SessionModel, SessionPage } from '../models/read-models.js';
import type { ReadPath } from '../reads/read-path.js';
import type { ReadPathPair } from '../reads/read-snapshot.js';
import { lastPerformanceAgrees } from '../reads/shadow/shadow-compare.js';
import { blobSync } from '../store/blob-sync.js';
import { programView, sessionView } from './read-views.js';

export interface Mismatch {
  readonly kind: 'program' | 'session' | 'user';
  /** The program's, the session's or (kind `user`) the user's id. */
  readonly id: string;
  readonly userId: string;
  readonly reason: 'CONTENT_DIFFERS' | 'BLOB_BEHIND_VERSION' | 'SESSION_READ_DIFFERS' | 'PROGRAM_LIST_DIFFERS';
  /** Where the two reads differ (`workouts.0.exercises.1.name`, `name`, `sets.0.weightKg`). */
  readonly paths: readonly string[];
}

export interface UserCounts {
  programs: { total: number; matched: number; mismatched: number; unversioned: number };
  sessions: { total: number; matched: number; mismatched: number };
}

/** Programs and sessions compared per step: what one user's loaders hold at once. */
const PAGE = 100;
/** As many programs as `User.programs` lists at most. */
const LISTED = 100;

/**
 * Everything one user sees, read on both paths (`paths`, both on one
 * snapshot) and compared: the program list and active program; every program
 * that is not deleted (name, flags, revision, current version, workouts,
 * exercises, prescribed sets, schedule, last performance of every exercise);
 * every session (its fields, workout name, workout, sets). Deleted programs
 * show only through the sessions that ran them, and are compared there.
 */
export async function compareUser(tx: EntityManager, userId: string, paths: ReadPathPair, onMismatch: (m: Mismatch) => void): Promise<UserCounts> {
  const counts: UserCounts = { programs: { total: 0, matched: 0, mismatched: 0, unversioned: 0 }, sessions: { total: 0, matched: 0, mismatched: 0 } };
  const list = async (path: ReadPath) => ({ programs: (await path.programs(LISTED)).map((p) => p.id), activeProgram: (await path.activeProgram())?.id ?? null });
  const [legacyList, versionedList] = await Promise.all([list(paths.legacy), list(paths.versioned)]);
  const listPaths = differingPaths(versionedList, legacyList);
  if (listPaths.length) onMismatch({ kind: 'user', id: userId, userId, reason: 'PROGRAM_LIST_DIFFERS', paths: listPaths });
  forget(paths);

  for (let after: string | null = null; ; ) {
    const ids = await programIdPage(tx, userId, after);
    await comparePrograms(tx, userId, ids, paths, counts, onMismatch);
    forget(paths);
    if (ids.length < PAGE) break;
    after = ids.at(-1)!;
  }

  for (let cursor: SessionModel | null = null; ; ) {
    const [legacy, versioned]: [SessionPage, SessionPage] = await Promise.all([paths.legacy.sessions(PAGE, cursor), paths.versioned.sessions(PAGE, cursor)]);
    await compareSessions(userId, legacy.sessions, versioned.sessions, paths, counts, onMismatch);
    forget(paths);
    const last: SessionModel | undefined = legacy.sessions.at(-1) ?? versioned.sessions.at(-1);
    if (!last || !(legacy.hasNextPage || versioned.hasNextPage)) break;
    cursor = last;
  }
  return counts;
}

async function comparePrograms(tx: EntityManager, userId: string, ids: readonly string[], paths: ReadPathPair, counts: UserCounts, onMismatch: (m: Mismatch) => void) {
  const read = (path: ReadPath) => Promise.all(ids.map((id) => path.program(id)));
  const [legacy, versioned] = await Promise.all([read(paths.legacy), read(paths.versioned)]);
  const exerciseIds = [...new Set([...legacy, ...versioned].flatMap((p) => (p ? p.content.workouts.flatMap((w) => w.exercises.map((e) => e.id)) : [])))];
  const [legacyPerformance, versionedPerformance] = await Promise.all([lastPerformances(paths.legacy, exerciseIds), lastPerformances(paths.versioned, exerciseIds)]);
  const legacyOf = (id: string) => legacyPerformance.get(id) ?? null;
  // Where the rule says the versioned result is as good (it follows stable ids), it shows what legacy shows.
  const versionedOf = (id: string) => {
    const v = versionedPerformance.get(id) ?? null;
    return lastPerformanceAgrees(v, legacyOf(id)) ? legacyOf(id) : v;
  };
  for (const [i, id] of ids.entries()) {
    const l = legacy[i] ?? null;
    const v = versioned[i] ?? null;
    counts.programs.total += 1;
    const found = differingPaths(v && programView(v, versionedOf), l && programView(l, legacyOf));
    if (found.length === 0) {
      if ((l ?? v)?.currentVersionId === null) counts.programs.unversioned += 1;
      else counts.programs.matched += 1;
      continue;
    }
    counts.programs.mismatched += 1;
    onMismatch({ kind: 'program', id, userId, reason: await programReason(tx, id), paths: found });
  }
}

async function compareSessions(
  userId: string,
  legacy: readonly SessionModel[],
  versioned: readonly SessionModel[],
  paths: ReadPathPair,
  counts: UserCounts,
  onMismatch: (m: Mismatch) => void,
) {
  const [legacyViews, versionedViews] = await Promise.all([sessionViews(paths.legacy, legacy), sessionViews(paths.versioned, versioned)]);
  for (let i = 0; i < Math.max(legacy.length, versioned.length); i++) {
    counts.sessions.total += 1;
    const found = differingPaths(versionedViews[i] ?? null, legacyViews[i] ?? null);
    if (found.length === 0) counts.sessions.matched += 1;
    else {
      counts.sessions.mismatched += 1;
      onMismatch({ kind: 'session', id: (legacy[i] ?? versioned[i])!.id, userId, reason: 'SESSION_READ_DIFFERS', paths: found });
    }
  }
}

/** Each session with what a history screen shows of it, all sessions' reads batched by the path's loaders. */
function sessionViews(path: ReadPath, sessions: readonly SessionModel[]) {
  return Promise.all(
    sessions.map(async (s) => {
      const [workoutName, workout, sets] = await Promise.all([path.sessionWorkoutName(s), path.sessionWorkout(s), path.sessionSets(s)]);
      return sessionView(s, workoutName, workout, sets);
    }),
  );
}

async function lastPerformances(path: ReadPath, exerciseIds: readonly string[]): Promise<Map<string, ExercisePerformanceModel | null>> {
  const found = await Promise.all(exerciseIds.map((id) => path.lastPerformance(id)));
  return new Map(exerciseIds.map((id, i) => [id, found[i] ?? null]));
}

/** The user's programs that are not deleted, by id, a page at a time (index: programs by user). */
async function programIdPage(tx: EntityManager, userId: string, after: string | null): Promise<string[]> {
  const rows = await queryRows(
    tx,
    'verifyProgramIdPage',
    `select p.id from programs p where p.user_id = ? and p.deleted_at is null and p.id > coalesce(?::uuid, '00000000-0000-0000-0000-000000000000') order by p.id limit ?`,
    [userId, after, PAGE],
    z.object({ id: z.string() }),
  );
  return rows.map((r) => r.id);
}

/** Why a program reads differently: versions moved on while legacy writes were off (Phase 5, `restore-legacy`), or anything else. */
async function programReason(tx: EntityManager, id: string): Promise<Mismatch['reason']> {
  const [row] = await queryRows(
    tx,
    'verifyProgramBlobSync',
    'select p.current_version_id, p.legacy_json_version_id from programs p where p.id = ?',
    [id],
    z.object({ current_version_id: z.string().nullable(), legacy_json_version_id: z.string().nullable() }),
  );
  return row && blobSync(row) === 'version-newer' ? 'BLOB_BEHIND_VERSION' : 'CONTENT_DIFFERS';
}

function forget(paths: ReadPathPair): void {
  paths.legacy.forget();
  paths.versioned.forget();
}
