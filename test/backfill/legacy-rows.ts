import type pg from 'pg';
import type { Corpus } from './corpus.js';

/*
 * Plain-SQL access for the backfill tests: writing a corpus as legacy rows,
 * and reading back what the tests compare (legacy columns, links, checksums of
 * every table). Nothing here goes through the code under test.
 */

/** Inserts the corpus as legacy rows: one statement per table. */
export async function insertCorpus(sql: pg.Pool, corpus: Corpus): Promise<void> {
  await sql.query(
    `/* testInsertPrograms */ insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at, deleted_at)
     select r.id, r.user_id, r.name, r.is_active, r.blob::jsonb, r.created_at, r.created_at, r.deleted_at
     from jsonb_to_recordset($1::jsonb) as r(id uuid, user_id uuid, name text, is_active boolean, blob text, created_at timestamptz, deleted_at timestamptz)`,
    // The blob goes as text so that a JSON `null` blob stays a jsonb null (not SQL NULL).
    [JSON.stringify(corpus.programs.map((p) => ({ ...p, user_id: p.userId, is_active: p.isActive, blob: JSON.stringify(p.blob), created_at: p.createdAt, deleted_at: p.deletedAt })))],
  );
  await sql.query(
    `/* testInsertSessions */ insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at, notes)
     select r.id, r.user_id, r.program_id, r.workout_id, r.workout_name_snapshot, r.started_at, r.completed_at, r.notes
     from jsonb_to_recordset($1::jsonb) as r(id uuid, user_id uuid, program_id uuid, workout_id text, workout_name_snapshot text,
       started_at timestamptz, completed_at timestamptz, notes text)`,
    [
      JSON.stringify(
        corpus.sessions.map((s) => ({
          id: s.id,
          user_id: s.userId,
          program_id: s.programId,
          workout_id: s.workoutId,
          workout_name_snapshot: s.workoutNameSnapshot,
          started_at: s.startedAt,
          completed_at: s.completedAt,
          notes: s.notes,
        })),
      ),
    ],
  );
  await sql.query(
    `/* testInsertSets */ insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at)
     select r.id, r.session_id, r.user_id, r.exercise_id, r.exercise_name, r.set_number, r.reps, r.weight_kg, r.rpe, r.completed_at
     from jsonb_to_recordset($1::jsonb) as r(id uuid, session_id uuid, user_id uuid, exercise_id text, exercise_name text, set_number int,
       reps int, weight_kg numeric(6,2), rpe numeric(3,1), completed_at timestamptz)`,
    [
      JSON.stringify(
        corpus.sets.map((s) => ({
          id: s.id,
          session_id: s.sessionId,
          user_id: s.userId,
          exercise_id: s.exerciseId,
          exercise_name: s.exerciseName,
          set_number: s.setNumber,
          reps: s.reps,
          weight_kg: s.weightKg,
          rpe: s.rpe,
          completed_at: s.completedAt,
        })),
      ),
    ],
  );
}

/** Row count and an md5 over every row's text, for every table of the public schema. */
export async function tableChecksums(sql: pg.Pool): Promise<Record<string, { rows: number; md5: string | null }>> {
  const { rows: tables } = await sql.query<{ name: string }>(
    `/* testListTables */ select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const result: Record<string, { rows: number; md5: string | null }> = {};
  for (const { name } of tables) {
    const { rows } = await sql.query<{ rows: number; md5: string | null }>(
      `/* testChecksum */ select count(*)::int as rows, md5(string_agg(t::text, '|' order by t::text)) as md5 from "${name}" t`,
    );
    result[name] = rows[0]!;
  }
  return result;
}

/**
 * Every legacy column (docs/legacy-data.md), as text, by id. The session snapshot is
 * kept apart: it is the one column the backfill may fill.
 */
export async function legacyColumns(sql: pg.Pool) {
  const programs = await sql.query<{ id: string; legacy: string }>(
    `/* testLegacyPrograms */ select id, row(user_id, name, is_active, program_json, created_at, updated_at, deleted_at)::text as legacy from programs`,
  );
  const sessions = await sql.query<{ id: string; legacy: string; snapshot: string | null }>(
    `/* testLegacySessions */ select id, row(user_id, program_id, workout_id, started_at, completed_at, notes)::text as legacy, workout_name_snapshot as snapshot
     from workout_sessions`,
  );
  const sets = await sql.query<{ id: string; legacy: string }>(
    `/* testLegacySets */ select id, row(session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at)::text as legacy
     from workout_session_sets`,
  );
  return {
    programs: new Map(programs.rows.map((r) => [r.id, r.legacy])),
    sessions: new Map(sessions.rows.map((r) => [r.id, { legacy: r.legacy, snapshot: r.snapshot }])),
    sets: new Map(sets.rows.map((r) => [r.id, r.legacy])),
  };
}

export interface SessionLink {
  readonly programVersionId: string | null;
  readonly workoutVersionId: string | null;
  readonly snapshot: string | null;
  /** The linked version's program and number, and the stable workout id and name of the linked workout version. */
  readonly versionProgramId: string | null;
  readonly versionNumber: number | null;
  readonly workoutId: string | null;
  readonly workoutName: string | null;
}

export interface SetLink {
  readonly sessionId: string;
  readonly exerciseVersionId: string | null;
  /** The version the linked exercise version belongs to, and its stable exercise id. */
  readonly exerciseProgramVersionId: string | null;
  readonly exerciseId: string | null;
}

/** How every session and set is linked to version rows (nulls where it is not). */
export async function historyLinks(sql: pg.Pool): Promise<{ sessions: Map<string, SessionLink>; sets: Map<string, SetLink> }> {
  const sessions = await sql.query(
    `/* testSessionLinks */ select s.id, s.program_version_id, s.workout_version_id, s.workout_name_snapshot,
       v.program_id as version_program_id, v.version_number, w.workout_id, w.name as workout_name
     from workout_sessions s
     left join program_versions v on v.id = s.program_version_id
     left join program_version_workouts w on w.id = s.workout_version_id`,
  );
  const sets = await sql.query(
    `/* testSetLinks */ select st.id, st.session_id, st.exercise_version_id, e.program_version_id as exercise_program_version_id, e.exercise_id
     from workout_session_sets st left join program_version_exercises e on e.id = st.exercise_version_id`,
  );
  return {
    sessions: new Map(
      sessions.rows.map((r) => [
        r.id,
        {
          programVersionId: r.program_version_id,
          workoutVersionId: r.workout_version_id,
          snapshot: r.workout_name_snapshot,
          versionProgramId: r.version_program_id,
          versionNumber: r.version_number,
          workoutId: r.workout_id,
          workoutName: r.workout_name,
        },
      ]),
    ),
    sets: new Map(
      sets.rows.map((r) => [r.id, { sessionId: r.session_id, exerciseVersionId: r.exercise_version_id, exerciseProgramVersionId: r.exercise_program_version_id, exerciseId: r.exercise_id }]),
    ),
  };
}

export interface RecordedItem {
  readonly kind: string;
  readonly recordId: string;
  readonly reason: string;
}

export async function runItems(sql: pg.Pool, runId: string): Promise<RecordedItem[]> {
  const { rows } = await sql.query<{ kind: string; record_id: string; reason: string }>(
    `/* testRunItems */ select kind, record_id, reason from backfill_items where run_id = $1 order by kind, record_id`,
    [runId],
  );
  return rows.map((r) => ({ kind: r.kind, recordId: r.record_id, reason: r.reason }));
}

/** Each program's versions as stored, projected onto what does not depend on generated ids or clocks. */
export async function versionTrees(sql: pg.Pool): Promise<Map<string, unknown[]>> {
  const { rows } = await sql.query<{ program_id: string; versions: unknown[] }>(
    `/* testVersionTrees */ select v.program_id, jsonb_agg(jsonb_build_object(
        'number', v.version_number, 'source', v.source, 'name', v.name, 'hash', v.content_hash, 'parent', v.parent_version_id is not null,
        'current', p.current_version_id = v.id, 'legacyJson', p.legacy_json_version_id = v.id,
        'workouts', (select coalesce(jsonb_agg(jsonb_build_object('id', w.workout_id, 'position', w.position, 'name', w.name,
            'exercises', (select coalesce(jsonb_agg(jsonb_build_object('id', e.exercise_id, 'position', e.position, 'name', e.name, 'notes', e.notes, 'sets', e.sets)
                          order by e.position), '[]') from program_version_exercises e where e.program_version_workout_id = w.id))
          order by w.position), '[]') from program_version_workouts w where w.program_version_id = v.id),
        'schedule', (select coalesce(jsonb_agg(jsonb_build_object('day', sc.day_of_week, 'position', sc.position, 'workout', w.workout_id) order by sc.position), '[]')
          from program_version_schedule sc join program_version_workouts w on w.id = sc.program_version_workout_id where sc.program_version_id = v.id)
      ) order by v.version_number) as versions
     from program_versions v join programs p on p.id = v.program_id group by v.program_id`,
  );
  return new Map(rows.map((r) => [r.program_id, r.versions]));
}
