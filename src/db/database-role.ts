import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ConfigError, type Config } from '../config.js';
import { RUNTIME_ROLE } from './runtime-role.js';
import { queryRows } from './sql.js';

/** The role the process connected as, and what it could do to history beyond `training_runtime`. */
export interface DatabaseRole {
  readonly name: string;
  readonly superuser: boolean;
  /** Owns a history table, or is a member of its owner: can alter it and disable its triggers. */
  readonly ownsHistory: boolean;
}

const HISTORY_TABLES = ['workout_sessions', 'workout_session_sets'];

export async function readDatabaseRole(orm: MikroORM): Promise<DatabaseRole> {
  const [row] = await queryRows(
    orm.em.fork(),
    'readDatabaseRole',
    `select r.rolname as name, r.rolsuper as superuser,
       exists (select from pg_class c where c.oid = any(array(select to_regclass(t) from unnest(?::text[]) t))
               and pg_has_role(current_user, c.relowner, 'member')) as owns_history
     from pg_roles r where r.rolname = current_user`,
    [`{${HISTORY_TABLES.join(',')}}`],
    z.object({ name: z.string(), superuser: z.boolean(), owns_history: z.boolean() }),
  );
  return { name: row!.name, superuser: row!.superuser, ownsHistory: row!.owns_history };
}

/** The refusal: a `ConfigError`, so commands exit 2; one line, naming the way out. */
export class PrivilegedRoleRefused extends ConfigError {
  constructor(problem: string) {
    super([problem]);
    this.name = 'PrivilegedRoleRefused';
    this.message = `${problem}; refused with NODE_ENV=production unless ALLOW_PRIVILEGED_DB_ROLE=on`;
  }
}

/**
 * A superuser or an owner of the history tables can switch the history guards
 * off (`session_replication_role`, DISABLE TRIGGER, ALTER, DROP): warn, and in
 * production refuse to run unless the operator accepts it explicitly.
 */
export async function checkDatabaseRole(
  orm: MikroORM,
  config: Pick<Config, 'NODE_ENV' | 'ALLOW_PRIVILEGED_DB_ROLE'>,
  warn: (message: string) => void,
): Promise<DatabaseRole> {
  const role = await readDatabaseRole(orm);
  const powers = [role.superuser && 'is a superuser', role.ownsHistory && 'owns the history tables'].filter(Boolean).join(' and ');
  if (!powers) return role;
  const problem = `database role "${role.name}" ${powers}, so it can switch off the history guards: connect as a login role granted ${RUNTIME_ROLE} (docs/runbook.md, "Database roles")`;
  if (config.NODE_ENV === 'production' && config.ALLOW_PRIVILEGED_DB_ROLE !== 'on') throw new PrivilegedRoleRefused(problem);
  warn(problem);
  return role;
}
