import { randomUUID } from 'node:crypto';
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { WorkoutSessionEntity, WorkoutSessionSetEntity } from '../db/entities/index.js';
import { inTransaction } from '../db/transaction.js';
import { checkLoggedSet, type LoggedSet } from '../domain/logged-set-rules.js';
import type { Exercise } from '../domain/program.js';
import { isUuid } from '../domain/uuid.js';
import { AppError } from '../errors.js';
import { selectProgramsByIds } from '../store/program-store.js';
import type { SessionModel } from '../models/read-models.js';
import { currentContent } from './program-lock.js';
import type { WritePath } from './write-path.js';
import { storedId } from '../domain/exposed-ids.js';

/** How far in the future a client clock may put a session start or end. */
const CLOCK_SKEW_MS = 24 * 3_600_000;
const EARLIEST = new Date('2000-01-01T00:00:00Z');

/**
 * Session commands for one caller. History is append-only: a set is added,
 * never replaced; a session is completed once, by filling its NULL
 * `completed_at`. Which version rows a session or set references is the
 * request's write path's to say (none where versions are not written).
 */
export class SessionWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly userId: string,
    private readonly path: WritePath,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Starts a session on a workout of the program as it is now, keeping the
   * workout's name, and the version rows the write path gives (where versions
   * are written: the program's version, created first if it has none, and the
   * workout's row in it).
   */
  async startSession(programId: string, workoutId: string, startedAt: Date | null): Promise<SessionModel> {
    const start = startedAt ?? this.now();
    this.assertPlausible('startedAt', start);
    return inTransaction(this.em, async (tx) => {
      // Locked like an edit, so the session references the version its workout came from.
      const locked = isUuid(programId) ? await this.path.lockProgram(tx, this.userId, programId, { checksVersion: false }) : null;
      if (!locked) throw AppError.notFound('Program', programId);
      const content = await currentContent(tx, locked.row);
      const workout = content.workouts.find((w) => w.id === workoutId);
      if (!workout) throw AppError.notFound('Workout', workoutId);
      const { programVersionId, workoutVersionId } = await this.path.sessionVersions(tx, locked, content, workoutId);
      const session = tx.create(WorkoutSessionEntity, {
        id: randomUUID(),
        userId: this.userId,
        program: programId,
        workoutId,
        workoutNameSnapshot: workout.name,
        startedAt: start,
        completedAt: null,
        notes: null,
        programVersion: programVersionId,
        workoutVersion: workoutVersionId,
      });
      await tx.flush();
      return sessionModelOf(session);
    });
  }

  async logSet(sessionId: string, set: LoggedSet): Promise<SessionModel> {
    const violations = checkLoggedSet(set);
    if (violations.length > 0) throw AppError.invalid('set', violations);
    return inTransaction(this.em, async (tx) => {
      const session = await this.lockOpenSession(tx, sessionId);
      // The input is an exposed id: mapped back within the session's program.
      const programId = session.program?.id ?? null;
      const exerciseId = programId ? storedId(programId, set.exerciseId) : set.exerciseId;
      const { exercise, exerciseVersionId } = await this.exerciseOf(tx, session, exerciseId);
      // The session row is locked: no other set of it can be logged between this check and the insert.
      if ((await tx.count(WorkoutSessionSetEntity, { session: session.id, userId: this.userId, exerciseId: exercise.id, setNumber: set.setNumber })) > 0) {
        throw AppError.conflict(`set ${set.setNumber} of exercise ${JSON.stringify(exercise.id)} is already logged in this session`);
      }
      const logged = tx.create(WorkoutSessionSetEntity, {
        id: randomUUID(),
        session,
        userId: this.userId,
        exerciseId: exercise.id,
        exerciseName: exercise.name,
        setNumber: set.setNumber,
        reps: set.reps,
        weightKg: set.weightKg,
        rpe: set.rpe,
        completedAt: null,
        exerciseVersion: exerciseVersionId,
      });
      // The database's clock, as for every other timestamp it sets (the insert returns it).
      logged.completedAt = raw('now()');
      await tx.flush();
      return sessionModelOf(session);
    });
  }

  async completeSession(sessionId: string, completedAt: Date | null): Promise<SessionModel> {
    const end = completedAt ?? this.now();
    this.assertPlausible('completedAt', end);
    return inTransaction(this.em, async (tx) => {
      const session = await this.lockOpenSession(tx, sessionId);
      if (end < session.startedAt) {
        throw AppError.invalid('session end', [{ path: 'completedAt', code: 'BEFORE_START', message: 'must not be before the session started' }]);
      }
      // Filling the NULL column is the one change history rows allow (the database refuses any other).
      // A statement that names the user, not a flush (which would update by the primary key alone):
      // with the tables distributed by user_id it runs on the user's shard only.
      await tx.nativeUpdate(WorkoutSessionEntity, { id: session.id, userId: this.userId }, { completedAt: end });
      session.completedAt = end;
      tx.merge(session, { refresh: true }); // the entity holds what was written: nothing left to flush
      return sessionModelOf(session);
    });
  }

  private async lockOpenSession(tx: EntityManager, id: string): Promise<WorkoutSessionEntity> {
    const session = await tx.findOne(WorkoutSessionEntity, { id, userId: this.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!session) throw AppError.notFound('Session', id);
    if (session.completedAt) throw AppError.conflict(`session ${id} is already completed`);
    return session;
  }

  /**
   * The exercise as the session's program holds it now — in the session's
   * workout, else anywhere in the program (it may have moved) — and the
   * exercise version row the write path gives.
   */
  private async exerciseOf(tx: EntityManager, session: WorkoutSessionEntity, exerciseId: string): Promise<{ exercise: Exercise; exerciseVersionId: string | null }> {
    const [program] = session.program ? await selectProgramsByIds(tx, this.userId, [session.program.id], { includeDeleted: true }) : [];
    const content = program ? await currentContent(tx, program) : { workouts: [] };
    const workout = content.workouts.find((w) => w.id === session.workoutId);
    const exercise =
      workout?.exercises.find((e) => e.id === exerciseId) ??
      content.workouts.flatMap((w) => w.exercises).find((e) => e.id === exerciseId);
    if (!exercise) {
      throw AppError.invalid('set', [
        { path: 'input.exerciseId', code: 'UNKNOWN_EXERCISE', message: `exercise ${JSON.stringify(exerciseId)} is not in this session's program` },
      ]);
    }
    const versions = { userId: this.userId, sessionVersionId: session.programVersion?.id ?? null, programVersionId: program?.current_version_id ?? null };
    return { exercise, exerciseVersionId: await this.path.exerciseVersionOf(tx, versions, exerciseId) };
  }

  private assertPlausible(field: string, at: Date): void {
    if (at < EARLIEST || at.getTime() > this.now().getTime() + CLOCK_SKEW_MS) {
      throw AppError.invalid('time', [{ path: field, code: 'IMPLAUSIBLE_TIME', message: 'must be after 2000-01-01 and not more than a day in the future' }]);
    }
  }
}

function sessionModelOf(session: WorkoutSessionEntity): SessionModel {
  return {
    id: session.id,
    userId: session.userId,
    programId: session.program?.id ?? null,
    workoutId: session.workoutId,
    workoutNameSnapshot: session.workoutNameSnapshot,
    startedAt: session.startedAt,
    completedAt: session.completedAt,
    programVersionId: session.programVersion?.id ?? null,
    workoutVersionId: session.workoutVersion?.id ?? null,
  };
}
