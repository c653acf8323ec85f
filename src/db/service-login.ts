import pg from 'pg';
import type { Login } from './embedded-database.js';
import { CREATE_RUNTIME_ROLE, RUNTIME_ROLE } from './runtime-role.js';

/**
 * Makes `login` a login role that is a member of `training_runtime` (creating
 * either if missing), as the embedded server's superuser. What operators do
 * by hand on their own servers (docs/runbook.md, "Database roles"); the
 * privileges themselves come from the migrations, which may run after this.
 * Idempotent, and safe against another process doing the same at once.
 */
export async function ensureServiceLogin(adminUrl: string, login: Login): Promise<void> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    await client.query(CREATE_RUNTIME_ROLE);
    const user = client.escapeIdentifier(login.user);
    await client.query(`
      do $$
      begin
        if not exists (select from pg_roles where rolname = ${client.escapeLiteral(login.user)}) then
          create role ${user} login password ${client.escapeLiteral(login.password)};
        end if;
        if not pg_has_role(${client.escapeLiteral(login.user)}, '${RUNTIME_ROLE}', 'member') then
          grant ${RUNTIME_ROLE} to ${user};
        end if;
      exception
        when duplicate_object or unique_violation then null;
      end $$`);
  } finally {
    await client.end();
  }
}
