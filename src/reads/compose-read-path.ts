import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, layOutCalendar, parseDate } from '../domain/calendar.js';
import { exposedId, parseExposedId, type ParsedExposedId } from '../domain/exposed-ids.js';
import { HISTORY_LIMITS } from '../domain/history-limits.js';
import {
  selectSessionPage,
  selectSessionsBetween,
  selectSessionsByIds,
  selectSetsBySessionIds,
  toPerformedSetModel,
  toSessionModel,
} from '../store/session-store.js';
import { withExposedExercise, workoutModels, type ExercisePerformanceModel, type SessionModel, type WorkoutModel } from '../models/read-models.js';
import type { ProgramSource } from './program-source.js';
import type { LastPerformanceCache, LastPerformanceKind, LastPerformances } from './last-performance-cache.js';
import type { ReadPath } from './read-path.js';

/**
 * Name shown for a session logged before Phase 1 stored snapshots, when its
 * workout is no longer in the program either: history must still render.
 */
export const UNKNOWN_WORKOUT_NAME = 'Unnamed workout';

/** An exercise whose last performance is wanted: its exposed id, and the stored id (in one program, or anywhere for a UUID) history logged. */
export interface WantedExercise {
  readonly exposedId: string;
  readonly parsed: ParsedExposedId;
}

export interface ReadPathParts {
  readonly programs: ProgramSource;
  /** Last performance of many exercises in one statement, by exposed id, with the history watermark it was read at. */
  readonly lastPerformance: (exercises: readonly WantedExercise[]) => Promise<LastPerformances>;
  /** Where last performances are kept between requests (none for a consistency check, which must read the tables). */
  readonly cache: { readonly performances: LastPerformanceCache; readonly kind: LastPerformanceKind } | null;
}

/**
 * A read path from its two differing parts — where program content comes from
 * and how last performance is found. History rows (sessions, sets) are the
 * same tables on both paths, read the same way here.
 */
export function composeReadPath(em: EntityManager, userId: string, parts: ReadPathParts): ReadPath {
  const { programs } = parts;
  const sessions = new DataLoader<string, SessionModel | null>(async (ids) => {
    const rows = await selectSessionsByIds(em, userId, ids);
    return ids.map((id) => {
      const row = rows.find((r) => r.id === id);
      return row ? toSessionModel(row) : null;
    });
  });
  const sets = new DataLoader(async (sessionIds: readonly string[]) => {
    const rows = await selectSetsBySessionIds(em, userId, sessionIds);
    return sessionIds.map((id) =>
      rows
        .filter((r) => r.session_id === id)
        .slice(0, HISTORY_LIMITS.maxSetsPerSession)
        .map(toPerformedSetModel),
    );
  });
  const lastPerformance = new DataLoader(async (exerciseIds: readonly string[]) => {
    // Served from the cache only at the watermark this request read from the primary with the active program.
    const watermark = programs.historyWatermark();
    const { cache } = parts;
    const found = cache && watermark !== undefined ? cache.performances.lookup(userId, watermark, cache.kind, exerciseIds) : new Map<string, ExercisePerformanceModel | null>();
    const missing = exerciseIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const read = await parts.lastPerformance(missing.map((id) => ({ exposedId: id, parsed: parseExposedId(id) })));
      const performances = new Map(missing.map((id) => [id, read.performances.get(id) ?? null]));
      // Rows read inside a transaction may yet roll back: cache only what is committed.
      if (cache && !em.isInTransaction()) cache.performances.remember(userId, read.historyWatermark, cache.kind, performances);
      for (const [id, performance] of performances) found.set(id, performance);
    }
    return exerciseIds.map((id) => found.get(id) ?? null);
  });

  const sessionWorkout = async (session: SessionModel): Promise<WorkoutModel | null> => {
    if (!session.programId || !session.workoutId) return null;
    const program = await programs.byId(session.programId);
    if (!program) return null;
    const workoutId = exposedId(program.model.id, session.workoutId);
    return workoutModels(program.model.id, program.model.content).find((w) => w.id === workoutId) ?? null;
  };

  return {
    async program(id) {
      const found = await programs.byId(id);
      return found && !found.deleted ? found.model : null;
    },
    programs: (first) => programs.ofUser(first),
    activeProgram: () => programs.active(),
    activeProgramValidator: () => programs.activeValidator(),
    session: (id) => sessions.load(id),
    async sessions(first, after) {
      const rows = await selectSessionPage(em, userId, first, after);
      return { sessions: rows.slice(0, first).map(toSessionModel), hasNextPage: rows.length > first };
    },
    sessionSets: async (session) => (await sets.load(session.id)).map((set) => withExposedExercise(set, session.programId)),
    sessionWorkout,
    async sessionWorkoutName(session) {
      // Rows logged before Phase 1 have no snapshot: both paths take the name
      // of the workout the row points at in the program as it is now (so they
      // answer alike), else a fixed label. Not from the version the session
      // was logged on: the legacy path has no versions to ask.
      if (session.workoutNameSnapshot !== null) return session.workoutNameSnapshot;
      return (await sessionWorkout(session))?.name ?? UNKNOWN_WORKOUT_NAME;
    },
    lastPerformance: (exerciseId) => lastPerformance.load(exerciseId),
    async calendar(fromText, toText) {
      const from = parseDate(fromText);
      const to = parseDate(toText);
      if (!from || !to) throw new Error('calendar: dates must be validated by the caller');
      const [active, rows] = await Promise.all([programs.active(), selectSessionsBetween(em, userId, from, addDays(to, 1))]);
      const workouts = active ? workoutModels(active.id, active.content) : [];
      return layOutCalendar(from, to, active?.content.schedule ?? [], workouts, rows.map(toSessionModel));
    },
    forget() {
      programs.forget();
      for (const loader of [sessions, sets, lastPerformance]) loader.clearAll();
    },
  };
}
