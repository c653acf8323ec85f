import { Migration } from '@mikro-orm/migrations';
import { CREATE_RUNTIME_ROLE, grantToRuntime, revokeFromRuntime, RUNTIME_ROLE, type RuntimeGrant } from '../runtime-role.js';

/**
 * What the service and the operator commands do, table by table (every
 * statement in src/ was read for this list):
 * - programs: read, create, edit (blob, name, active flag, version pointers,
 *   revision); never hard-deleted (`deleted_at` is a soft delete);
 * - history: read and append; UPDATE only on the columns the code fills on an
 *   existing row (completing a session, the backfill's version links and
 *   missing name snapshots). Logged values (reps, weights, names, times) have
 *   no UPDATE privilege at all, whatever the triggers say;
 * - versions: read and append only;
 * - the backfill's run and item tables: its own bookkeeping;
 * - schema_migrations: read, for the pending-migrations check and `/ready`.
 * SELECT … FOR UPDATE needs UPDATE on some column, which each locked table has.
 */
const GRANTS: readonly RuntimeGrant[] = [
  { table: 'programs', privileges: ['select', 'insert', 'update'] },
  {
    table: 'workout_sessions',
    privileges: ['select', 'insert'],
    updateColumns: ['completed_at', 'workout_name_snapshot', 'program_version_id', 'workout_version_id'],
  },
  { table: 'workout_session_sets', privileges: ['select', 'insert'], updateColumns: ['exercise_version_id'] },
  { table: 'program_versions', privileges: ['select', 'insert'] },
  { table: 'program_version_workouts', privileges: ['select', 'insert'] },
  { table: 'program_version_exercises', privileges: ['select', 'insert'] },
  { table: 'program_version_schedule', privileges: ['select', 'insert'] },
  { table: 'backfill_runs', privileges: ['select', 'insert', 'update'] },
  { table: 'backfill_items', privileges: ['select', 'insert'] },
  { table: 'schema_migrations', privileges: ['select'] },
];

/**
 * Least privilege: the `training_runtime` role (created if this cluster has
 * none yet) and its grants on this database. `down` revokes this database's
 * grants and leaves the role: it is cluster-wide, other databases may use it,
 * and the login roles operators granted it to keep their membership, so a
 * later `up` restores the service's access with no operator step.
 */
export class Migration0008RuntimeRole extends Migration {
  override up(): void {
    this.addSql(CREATE_RUNTIME_ROLE);
    this.addSql(`grant usage on schema public to ${RUNTIME_ROLE}`);
    for (const sql of grantToRuntime(GRANTS)) this.addSql(sql);
  }

  override down(): void {
    for (const sql of revokeFromRuntime(GRANTS.map((g) => g.table))) this.addSql(sql);
    this.addSql(`revoke usage on schema public from ${RUNTIME_ROLE}`);
  }
}
