import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProgramRow } from '../../db/rows.js';
import { addDays, layOutCalendar, parseDate } from '../../domain/calendar.js';
import { programModelOfRow } from '../../programs/program-content.js';
import { selectActiveProgram, selectProgramsByIds, selectProgramsOfUser } from '../../programs/program-store.js';
import {
  selectSessionPage,
  selectSessionsBetween,
  selectSessionsByIds,
  selectSetsBySessionIds,
  toPerformedSetModel,
  toSessionModel,
} from '../../sessions/session-store.js';
import { workoutModels, type ProgramModel, type SessionModel, type WorkoutModel } from '../models.js';
import type { ReadPath } from '../read-path.js';
import { selectLastPerformanceLegacy } from './last-performance-legacy.js';

/**
 * Name shown for a session logged before Phase 1 stored snapshots, when its
 * workout is no longer in the program either: history must still render.
 */
export const UNKNOWN_WORKOUT_NAME = 'Unnamed workout';

/** Reads from the legacy tables: program content comes from `programs.program_json`. */
export function createLegacyReadPath(em: EntityManager, userId: string): ReadPath {
  // Includes soft-deleted programs: sessions of a deleted program still need its workouts' names.
  const programRows = new DataLoader<string, ProgramRow | null>(async (ids) => {
    const rows = await selectProgramsByIds(em, userId, ids, { includeDeleted: true });
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  });
  const models = new WeakMap<ProgramRow, ProgramModel>();
  const model = (row: ProgramRow): ProgramModel => {
    let m = models.get(row);
    if (!m) models.set(row, (m = programModelOfRow(row)));
    return m;
  };
  const prime = (rows: readonly ProgramRow[]): ProgramModel[] => {
    for (const row of rows) programRows.prime(row.id, row);
    return rows.map(model);
  };
  const sessions = new DataLoader<string, SessionModel | null>(async (ids) => {
    const rows = await selectSessionsByIds(em, userId, ids);
    return ids.map((id) => {
      const row = rows.find((r) => r.id === id);
      return row ? toSessionModel(row) : null;
    });
  });
  const sets = new DataLoader(async (sessionIds: readonly string[]) => {
    const rows = await selectSetsBySessionIds(em, userId, sessionIds);
    return sessionIds.map((id) => rows.filter((r) => r.session_id === id).map(toPerformedSetModel));
  });
  const lastPerformance = new DataLoader(async (exerciseIds: readonly string[]) => {
    const found = await selectLastPerformanceLegacy(em, userId, exerciseIds);
    return exerciseIds.map((id) => found.get(id) ?? null);
  });

  const sessionWorkout = async (session: SessionModel): Promise<WorkoutModel | null> => {
    if (!session.programId || !session.workoutId) return null;
    const row = await programRows.load(session.programId);
    if (!row) return null;
    return workoutModels(row.id, model(row).content).find((w) => w.id === session.workoutId) ?? null;
  };

  const activeProgram = async (): Promise<ProgramModel | null> => {
    const row = await selectActiveProgram(em, userId);
    return row ? (prime([row])[0] ?? null) : null;
  };

  return {
    async program(id) {
      const row = await programRows.load(id);
      return row && !row.deleted_at ? model(row) : null;
    },
    async programs() {
      return prime(await selectProgramsOfUser(em, userId));
    },
    activeProgram,
    session: (id) => sessions.load(id),
    async sessions(first, after) {
      const rows = await selectSessionPage(em, userId, first, after);
      return { sessions: rows.slice(0, first).map(toSessionModel), hasNextPage: rows.length > first };
    },
    sessionSets: (session) => sets.load(session.id),
    sessionWorkout,
    async sessionWorkoutName(session) {
      // Older rows have no snapshot: derive the name from the workout the row
      // points at in the program's current blob; failing that, a fixed label.
      if (session.workoutNameSnapshot !== null) return session.workoutNameSnapshot;
      return (await sessionWorkout(session))?.name ?? UNKNOWN_WORKOUT_NAME;
    },
    lastPerformance: (exerciseId) => lastPerformance.load(exerciseId),
    async calendar(fromText, toText) {
      const from = parseDate(fromText);
      const to = parseDate(toText);
      if (!from || !to) throw new Error('calendar: dates must be validated by the caller');
      const [active, rows] = await Promise.all([
        activeProgram(),
        selectSessionsBetween(em, userId, from, addDays(to, 1)),
      ]);
      const workouts = active ? workoutModels(active.id, active.content) : [];
      return layOutCalendar(from, to, active?.content.schedule ?? [], workouts, rows.map(toSessionModel));
    },
    forget() {
      for (const loader of [programRows, sessions, sets, lastPerformance]) loader.clearAll();
    },
  };
}
