import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, queryRows } from '../db/sql.js';
import { inTransaction } from '../db/transaction.js';
import { SESSION_COLUMNS, sessionRow, type SessionRow } from '../db/rows.js';
import { storedId } from '../domain/exposed-ids.js';
import { checkLoggedSet } from '../domain/logged-set-rules.js';
import type { Exercise } from '../domain/program.js';
import { isUuid } from '../domain/uuid.js';
import { AppError } from '../errors.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import type { LoggedSetInput } from '../graphql/generated/resolvers-types.js';
import { selectProgramsByIds } from '../programs/program-store.js';
import { currentContent, ensureCurrentVersion, lockProgram } from '../versions/program-versioning.js';
import { createVersionTreeLoader } from '../versions/version-trees.js';
import type { SessionModel } from '../reads/models.js';
import { toSessionModel } from './session-store.js';

/** How far in the future a client clock may put a session start or end. */
const CLOCK_SKEW_MS = 24 * 3_600_000;
const EARLIEST = new Date('2000-01-01T00:00:00Z');

/**
 * Session writes for one caller. History is append-only: a set is added, never
 * replaced; a session is completed once, by filling its NULL `completed_at`.
 */
export class SessionWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly userId: string,
    private readonly flags: FlagSnapshot,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Starts a session on a workout of the program as it is now, keeping the
   * workout's name; with versioned writes on, also the program version and the
   * workout's row in it (creating version 1 first if the program has none).
   */
  async startSession(programId: string, workoutId: string, startedAt: Date | null): Promise<SessionModel> {
    const start = startedAt ?? this.now();
    this.assertPlausible('startedAt', start);
    return inTransaction(this.em, async (tx) => {
      // Locked like an edit, so the session references the version its workout came from.
      const locked = isUuid(programId) ? await lockProgram(tx, this.userId, programId, { withVersion: this.flags.versioningWrites }) : null;
      if (!locked) throw AppError.notFound('Program', programId);
      const content = await currentContent(tx, locked.row);
      const workout = content.workouts.find((w) => w.id === workoutId);
      if (!workout) throw AppError.notFound('Workout', workoutId);
      let versionId: string | null = null;
      let workoutVersionId: string | null = null;
      if (this.flags.versioningWrites) {
        versionId = (await ensureCurrentVersion(tx, locked, content)).id;
        const tree = await createVersionTreeLoader(tx, this.userId).load(versionId);
        workoutVersionId = tree?.workoutRowIds.get(workoutId) ?? null;
      }
      const [row] = await queryRows(
        tx,
        'insertSession',
        `insert into workout_sessions as s (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, program_version_id, workout_version_id)
         values (?, ?, ?, ?, ?, ?, ?, ?) returning ${SESSION_COLUMNS}`,
        [randomUUID(), this.userId, programId, workoutId, workout.name, start, versionId, workoutVersionId],
        sessionRow,
      );
      return toSessionModel(row!);
    });
  }

  async logSet(sessionId: string, input: LoggedSetInput): Promise<SessionModel> {
    const set = { setNumber: input.setNumber, reps: input.reps ?? null, weightKg: input.weightKg ?? null, rpe: input.rpe ?? null };
    const violations = checkLoggedSet(set);
    if (violations.length > 0) throw AppError.invalid('set', violations);
    return inTransaction(this.em, async (tx) => {
      const session = await this.lockOpenSession(tx, sessionId);
      // The input is an exposed id: mapped back within the session's program.
      const exerciseId = session.program_id ? storedId(session.program_id, input.exerciseId) : input.exerciseId;
      const { exercise, exerciseVersionId } = await this.exerciseOf(tx, session, exerciseId);
      const inserted = await execute(
        tx,
        'insertSessionSet',
        `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at, exercise_version_id)
         select ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?
         where not exists (select 1 from workout_session_sets where session_id = ? and exercise_id = ? and set_number = ?)`,
        [
          randomUUID(),
          session.id,
          this.userId,
          exercise.id,
          exercise.name,
          set.setNumber,
          set.reps,
          set.weightKg,
          set.rpe,
          exerciseVersionId,
          session.id,
          exercise.id,
          set.setNumber,
        ],
      );
      if (inserted === 0) {
        throw AppError.conflict(`set ${set.setNumber} of exercise ${JSON.stringify(exercise.id)} is already logged in this session`);
      }
      return toSessionModel(session);
    });
  }

  async completeSession(sessionId: string, completedAt: Date | null): Promise<SessionModel> {
    const end = completedAt ?? this.now();
    this.assertPlausible('completedAt', end);
    return inTransaction(this.em, async (tx) => {
      const session = await this.lockOpenSession(tx, sessionId);
      if (end < session.started_at) {
        throw AppError.invalid('session end', [{ path: 'completedAt', code: 'BEFORE_START', message: 'must not be before the session started' }]);
      }
      const [row] = await queryRows(
        tx,
        'completeSession',
        `update workout_sessions s set completed_at = ? where s.id = ? and s.completed_at is null returning ${SESSION_COLUMNS}`,
        [end, session.id],
        sessionRow,
      );
      return toSessionModel(row!);
    });
  }

  private async lockOpenSession(tx: EntityManager, id: string): Promise<SessionRow> {
    const [row] = await queryRows(
      tx,
      'lockSession',
      `select ${SESSION_COLUMNS} from workout_sessions s where s.id = ? and s.user_id = ? for update`,
      [id, this.userId],
      sessionRow,
    );
    if (!row) throw AppError.notFound('Session', id);
    if (row.completed_at) throw AppError.conflict(`session ${id} is already completed`);
    return row;
  }

  /**
   * The exercise as the session's program holds it now — in the session's
   * workout, else anywhere in the program (it may have moved) — and, with
   * versioned writes on, its row in the session's version (else in the
   * program's current version: added to the program mid-session).
   */
  private async exerciseOf(tx: EntityManager, session: SessionRow, exerciseId: string): Promise<{ exercise: Exercise; exerciseVersionId: string | null }> {
    const [program] = session.program_id
      ? await selectProgramsByIds(tx, this.userId, [session.program_id], { includeDeleted: true })
      : [];
    const content = program ? await currentContent(tx, program) : { workouts: [] };
    const workout = content.workouts.find((w) => w.id === session.workout_id);
    const exercise =
      workout?.exercises.find((e) => e.id === exerciseId) ??
      content.workouts.flatMap((w) => w.exercises).find((e) => e.id === exerciseId);
    if (!exercise) {
      throw AppError.invalid('set', [
        { path: 'input.exerciseId', code: 'UNKNOWN_EXERCISE', message: `exercise ${JSON.stringify(exerciseId)} is not in this session's program` },
      ]);
    }
    if (!this.flags.versioningWrites) return { exercise, exerciseVersionId: null };
    const trees = createVersionTreeLoader(tx, this.userId);
    const candidates = [session.program_version_id, program?.current_version_id].filter((id): id is string => id !== null && id !== undefined);
    for (const versionId of candidates) {
      const rowId = (await trees.load(versionId))?.exerciseRowIds.get(exerciseId);
      if (rowId) return { exercise, exerciseVersionId: rowId };
    }
    return { exercise, exerciseVersionId: null };
  }

  private assertPlausible(field: string, at: Date): void {
    if (at < EARLIEST || at.getTime() > this.now().getTime() + CLOCK_SKEW_MS) {
      throw AppError.invalid('time', [{ path: field, code: 'IMPLAUSIBLE_TIME', message: 'must be after 2000-01-01 and not more than a day in the future' }]);
    }
  }
}
