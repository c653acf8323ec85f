import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../db/pg-array.js';
import { queryRows } from '../db/sql.js';
import { SESSION_COLUMNS, SET_COLUMNS, sessionRow, setRow, type SessionRow, type SetRow } from '../db/rows.js';
import type { PerformedSetModel, SessionModel } from '../models/read-models.js';

/** SQL over the history tables (`workout_sessions`, `workout_session_sets`), always scoped to one user. */

export interface SessionCursor {
  readonly startedAt: Date;
  readonly id: string;
}

export async function selectSessionsByIds(em: EntityManager, userId: string, ids: readonly string[]): Promise<SessionRow[]> {
  return queryRows(em, 'selectSessionsByIds', `select ${SESSION_COLUMNS} from workout_sessions s where s.user_id = ? and s.id = any(?::uuid[])`, [userId, pgArray(ids)], sessionRow, {
    prepare: true,
  });
}

/** Newest first; fetches one row more than asked so the caller knows whether another page follows. */
export async function selectSessionPage(em: EntityManager, userId: string, limit: number, after: SessionCursor | null): Promise<SessionRow[]> {
  const keyset = after ? 'and (s.started_at, s.id) < (?::timestamptz, ?::uuid)' : '';
  const params = after ? [userId, after.startedAt, after.id, limit + 1] : [userId, limit + 1];
  return queryRows(
    em,
    'selectSessionPage',
    `select ${SESSION_COLUMNS} from workout_sessions s where s.user_id = ? ${keyset} order by s.started_at desc, s.id desc limit ?`,
    params,
    sessionRow,
    { prepare: true },
  );
}

export async function selectSessionsBetween(em: EntityManager, userId: string, from: Date, toExclusive: Date): Promise<SessionRow[]> {
  return queryRows(
    em,
    'selectSessionsBetween',
    `select ${SESSION_COLUMNS} from workout_sessions s where s.user_id = ? and s.started_at >= ? and s.started_at < ? order by s.started_at, s.id`,
    [userId, from, toExclusive],
    sessionRow,
    { prepare: true },
  );
}

export async function selectSetsBySessionIds(em: EntityManager, userId: string, sessionIds: readonly string[]): Promise<SetRow[]> {
  return queryRows(
    em,
    'selectSetsBySessionIds',
    `select ${SET_COLUMNS} from workout_session_sets st where st.user_id = ? and st.session_id = any(?::uuid[]) order by st.session_id, st.completed_at nulls last, st.set_number, st.id`,
    [userId, pgArray(sessionIds)],
    setRow,
    { prepare: true },
  );
}

export function toSessionModel(row: SessionRow): SessionModel {
  return {
    id: row.id,
    userId: row.user_id,
    programId: row.program_id,
    workoutId: row.workout_id,
    workoutNameSnapshot: row.workout_name_snapshot,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    programVersionId: row.program_version_id,
    workoutVersionId: row.workout_version_id,
  };
}

export function toPerformedSetModel(row: SetRow): PerformedSetModel {
  return {
    id: row.id,
    sessionId: row.session_id,
    exerciseId: row.exercise_id,
    exerciseName: row.exercise_name,
    setNumber: row.set_number,
    reps: row.reps,
    weightKg: row.weight_kg,
    rpe: row.rpe,
    completedAt: row.completed_at,
  };
}
