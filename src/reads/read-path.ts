import type { SessionCursor } from '../store/session-store.js';
import type {
  CalendarDayModel,
  ExercisePerformanceModel,
  PerformedSetModel,
  ProgramModel,
  SessionModel,
  SessionPage,
  WorkoutModel,
} from '../models/read-models.js';

/**
 * Everything the GraphQL surface reads, for one caller. Two implementations —
 * the legacy blob path and the versioned-tables path — return identical models
 * for the same data; the request's flag snapshot picks one, in one place.
 * Batched: calls made in the same tick share SQL statements.
 */
export interface ReadPath {
  /** The caller's program, not deleted; null for unknown ids and other users' programs. */
  program(id: string): Promise<ProgramModel | null>;
  /** The caller's first `first` programs that are not deleted, oldest first. */
  programs(first: number): Promise<ProgramModel[]>;
  activeProgram(): Promise<ProgramModel | null>;
  /**
   * A token that changes whenever `activeProgram` with its whole tree (last
   * performances included) could answer differently; null when there is no
   * active program. Read by the same statement `activeProgram` then uses.
   */
  activeProgramValidator(): Promise<string | null>;
  session(id: string): Promise<SessionModel | null>;
  sessions(first: number, after: SessionCursor | null): Promise<SessionPage>;
  sessionSets(session: SessionModel): Promise<PerformedSetModel[]>;
  /** The workout a session runs, as its program holds it now; null when gone. */
  sessionWorkout(session: SessionModel): Promise<WorkoutModel | null>;
  /** The snapshot, or a name derived for rows logged before snapshots existed. */
  sessionWorkoutName(session: SessionModel): Promise<string>;
  lastPerformance(exerciseId: string): Promise<ExercisePerformanceModel | null>;
  /** Days from `from` to `to` inclusive (`YYYY-MM-DD`, validated by the caller). */
  calendar(from: string, to: string): Promise<CalendarDayModel[]>;
  /** Drops everything cached in this request; writers call it after a write. */
  forget(): void;
}
