import { buildDemoData } from './demo-data.js';

/** Runs one statement; the caller owns the connection and the transaction. */
export type ExecuteSql = (sql: string, params: unknown[]) => Promise<unknown>;

export interface SeedCounts {
  programs: number;
  sessions: number;
  sets: number;
}

// One set-based statement per table: the rows travel as a single JSON
// parameter, expanded by jsonb_to_recordset. Column lists are explicit because
// later migrations add columns to these tables.
const INSERT_PROGRAMS = `/* seedDemoPrograms */
insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at, deleted_at)
select r.id, r.user_id, r.name, r.is_active, r.program_json, r.created_at, r.updated_at, r.deleted_at
from jsonb_to_recordset($1::jsonb) as r(
  id uuid, user_id uuid, name text, is_active boolean, program_json jsonb,
  created_at timestamptz, updated_at timestamptz, deleted_at timestamptz)`;

const INSERT_SESSIONS = `/* seedDemoSessions */
insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at, notes)
select r.id, r.user_id, r.program_id, r.workout_id, r.workout_name_snapshot, r.started_at, r.completed_at, r.notes
from jsonb_to_recordset($1::jsonb) as r(
  id uuid, user_id uuid, program_id uuid, workout_id text, workout_name_snapshot text,
  started_at timestamptz, completed_at timestamptz, notes text)`;

const INSERT_SETS = `/* seedDemoSets */
insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, rpe, completed_at)
select r.id, r.session_id, r.user_id, r.exercise_id, r.exercise_name, r.set_number, r.reps, r.weight_kg, r.rpe, r.completed_at
from jsonb_to_recordset($1::jsonb) as r(
  id uuid, session_id uuid, user_id uuid, exercise_id text, exercise_name text,
  set_number int, reps int, weight_kg numeric(6,2), rpe numeric(3,1), completed_at timestamptz)`;

/**
 * Writes the demo data set (three statements, parents first). Whether the
 * database is empty enough to seed is the caller's decision.
 */
export async function seedDemoData(execute: ExecuteSql, now = new Date()): Promise<SeedCounts> {
  const data = buildDemoData(now);
  // Serialised by hand: `pg` would send a JS array as a PostgreSQL array, not JSON.
  await execute(INSERT_PROGRAMS, [JSON.stringify(data.programs)]);
  await execute(INSERT_SESSIONS, [JSON.stringify(data.sessions)]);
  await execute(INSERT_SETS, [JSON.stringify(data.sets)]);
  return { programs: data.programs.length, sessions: data.sessions.length, sets: data.sets.length };
}
