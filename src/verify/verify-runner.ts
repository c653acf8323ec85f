import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { PROGRAM_COLUMNS, SESSION_COLUMNS, programRow, sessionRow, type ProgramRow, type SessionRow } from '../db/rows.js';
import { pgArray } from '../db/pg-array.js';
import { queryRows } from '../db/sql.js';
import { differingPaths } from '../domain/differing-paths.js';
import type { ProgramContent } from '../domain/program.js';
import { contentOfRow } from '../programs/program-content.js';
import { UNKNOWN_WORKOUT_NAME } from '../reads/compose-read-path.js';
import { workoutModels } from '../reads/models.js';
import { exposedId } from '../domain/exposed-ids.js';
import { blobSync } from '../versions/blob-sync.js';
import { selectVersionTrees } from '../versions/version-store.js';

export interface Mismatch {
  readonly kind: 'program' | 'session';
  readonly id: string;
  readonly userId: string;
  readonly reason: 'CONTENT_DIFFERS' | 'BLOB_BEHIND_VERSION' | 'SESSION_READ_DIFFERS';
  /** Where the two reads differ (`workouts.0.exercises.1.name`). */
  readonly paths: readonly string[];
}

export interface VerifyCounts {
  programs: { total: number; matched: number; mismatched: number; unversioned: number };
  sessions: { total: number; matched: number; mismatched: number };
}

export interface VerifyOptions {
  readonly batchSize: number;
  readonly onProgress?: (done: number, total: number, phase: string) => void;
  readonly onMismatch: (mismatch: Mismatch) => void;
}

/**
 * Phase 4 gate: what every program and every session looks like on the legacy
 * read path and on the versioned one, compared in keyset batches (a few
 * statements per batch). A program the backfill has not versioned reads from
 * its blob on both paths: counted as `unversioned`, not a mismatch.
 */
export async function runVerify(orm: MikroORM, options: VerifyOptions): Promise<VerifyCounts> {
  const em = orm.em.fork();
  const counts: VerifyCounts = { programs: { total: 0, matched: 0, mismatched: 0, unversioned: 0 }, sessions: { total: 0, matched: 0, mismatched: 0 } };
  const [totals] = await queryRows(
    em,
    'verifyCountRows',
    'select (select count(*) from programs)::int as programs, (select count(*) from workout_sessions)::int as sessions',
    [],
    z.object({ programs: z.number(), sessions: z.number() }),
  );
  const total = totals!.programs + totals!.sessions;
  let done = 0;

  for (let after: string | null = null; ; ) {
    const rows: ProgramRow[] = await queryRows(
      em,
      'verifyProgramBatch',
      `select ${PROGRAM_COLUMNS} from programs p where (?::uuid is null or p.id > ?::uuid) order by p.id limit ?`,
      [after, after, options.batchSize],
      programRow,
    );
    const versions = await versionContents(em, rows);
    for (const row of rows) {
      counts.programs.total += 1;
      const versioned = versions.get(row.id);
      if (!versioned) {
        counts.programs.unversioned += 1;
        continue;
      }
      const paths = differingPaths(contentOfRow(row), versioned);
      if (paths.length === 0) {
        counts.programs.matched += 1;
        continue;
      }
      counts.programs.mismatched += 1;
      options.onMismatch({ kind: 'program', id: row.id, userId: row.user_id, reason: blobSync(row) === 'version-newer' ? 'BLOB_BEHIND_VERSION' : 'CONTENT_DIFFERS', paths });
    }
    done += rows.length;
    options.onProgress?.(done, total, 'programs');
    if (rows.length < options.batchSize) break;
    after = rows.at(-1)!.id;
  }

  for (let after: string | null = null; ; ) {
    const sessions: SessionRow[] = await queryRows(
      em,
      'verifySessionBatch',
      `select ${SESSION_COLUMNS} from workout_sessions s where (?::uuid is null or s.id > ?::uuid) order by s.id limit ?`,
      [after, after, options.batchSize],
      sessionRow,
    );
    const programIds = [...new Set(sessions.map((s) => s.program_id).filter((id): id is string => id !== null))];
    const programs = programIds.length
      ? await queryRows(em, 'verifySessionPrograms', `select ${PROGRAM_COLUMNS} from programs p where p.id = any(?::uuid[])`, [pgArray(programIds)], programRow)
      : [];
    const byId = new Map(programs.map((p) => [p.id, p]));
    const versions = await versionContents(em, programs);
    for (const session of sessions) {
      counts.sessions.total += 1;
      const program = session.program_id ? byId.get(session.program_id) : undefined;
      const legacy = sessionView(session, program ? contentOfRow(program) : null);
      const versioned = sessionView(session, program ? (versions.get(program.id) ?? contentOfRow(program)) : null);
      const paths = differingPaths(legacy, versioned);
      if (paths.length === 0) counts.sessions.matched += 1;
      else {
        counts.sessions.mismatched += 1;
        options.onMismatch({ kind: 'session', id: session.id, userId: session.user_id, reason: 'SESSION_READ_DIFFERS', paths });
      }
    }
    done += sessions.length;
    options.onProgress?.(done, total, 'sessions');
    if (sessions.length < options.batchSize) break;
    after = sessions.at(-1)!.id;
  }
  return counts;
}

/** Current version content of each versioned program, in one statement. */
async function versionContents(em: EntityManager, rows: readonly ProgramRow[]): Promise<Map<string, ProgramContent>> {
  const ids = rows.map((r) => r.current_version_id).filter((id): id is string => id !== null);
  const trees = ids.length ? await selectVersionTrees(em, null, ids) : [];
  return new Map(trees.map((t) => [t.programId, t.content]));
}

/** What a session read shows that depends on the program's content: its workout name and the workout it runs. */
function sessionView(session: { workout_id: string | null; workout_name_snapshot: string | null; program_id: string | null }, content: ProgramContent | null) {
  const workoutId = session.workout_id === null ? null : exposedId(session.program_id!, session.workout_id);
  const workout = content && workoutId ? (workoutModels(session.program_id!, content).find((w) => w.id === workoutId) ?? null) : null;
  return { workoutName: session.workout_name_snapshot ?? workout?.name ?? UNKNOWN_WORKOUT_NAME, workout };
}
