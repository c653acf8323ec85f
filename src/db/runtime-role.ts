/**
 * `training_runtime`: the NOLOGIN role holding exactly what the service and
 * the operator commands (backfill, verify, restore-legacy) need. Operators
 * grant it to the service's login role; migrations run as a more privileged
 * role and keep its grants up to date.
 *
 * It owns nothing and gets no DELETE, TRUNCATE, REFERENCES or TRIGGER on any
 * table: only an owner or a superuser can alter a table, disable a trigger
 * or set `session_replication_role`, so the history guards cannot be switched
 * off from the service's own connection.
 *
 * A migration that adds a table (or a column the code fills on a history row)
 * grants it here, in its `up`, with `grantToRuntime`; the role test compares
 * the catalog with the intended list and fails on a table without a grant.
 */
export const RUNTIME_ROLE = 'training_runtime';

export type TablePrivilege = 'select' | 'insert' | 'update';

export interface RuntimeGrant {
  readonly table: string;
  /** Table-wide privileges. */
  readonly privileges: readonly TablePrivilege[];
  /** UPDATE on these columns only: on history rows, the columns the code may still fill. */
  readonly updateColumns?: readonly string[];
}

/** Creates the role if no database of this cluster created it yet (roles are cluster-wide). */
export const CREATE_RUNTIME_ROLE = `
  do $$
  begin
    if not exists (select from pg_roles where rolname = '${RUNTIME_ROLE}') then
      create role ${RUNTIME_ROLE} nologin;
    end if;
  exception
    -- Another database's migration (or the embedded set-up) created it concurrently.
    when duplicate_object or unique_violation then null;
  end $$`;

/** GRANT statements for a migration's `up`. */
export function grantToRuntime(grants: readonly RuntimeGrant[]): string[] {
  return grants.flatMap(({ table, privileges, updateColumns }) => {
    if (privileges.includes('update') && updateColumns?.length) {
      throw new Error(`${table}: grant UPDATE either table-wide or on columns, not both`);
    }
    const statements = privileges.length ? [`grant ${privileges.join(', ')} on ${table} to ${RUNTIME_ROLE}`] : [];
    if (updateColumns?.length) statements.push(`grant update (${updateColumns.join(', ')}) on ${table} to ${RUNTIME_ROLE}`);
    return statements;
  });
}

/** REVOKE statements for a migration's `down` (column privileges go with the table's). */
export function revokeFromRuntime(tables: readonly string[]): string[] {
  return tables.map((table) => `revoke all on ${table} from ${RUNTIME_ROLE}`);
}
