import { Migration } from '@mikro-orm/migrations';

const VERSION_TABLES = ['program_versions', 'program_version_workouts', 'program_version_exercises', 'program_version_schedule'];
const HISTORY_TABLES = ['workout_sessions', 'workout_session_sets'];

/**
 * The database itself guards history, whatever code runs against it:
 * - version rows are never updated, deleted or truncated (a change is a new version);
 * - session and set rows are never deleted or truncated, and an update may only
 *   fill a column that is still NULL (a completion time, a version reference, a
 *   missing name snapshot). The check compares whole rows as JSON, so columns
 *   added later are guarded too.
 */
export class Migration0004HistoryGuards extends Migration {
  override up(): void {
    this.addSql(`
      create function refuse_version_change() returns trigger language plpgsql as $$
      begin
        raise exception 'program versions are immutable: % on % refused', tg_op, tg_table_name
          using errcode = 'integrity_constraint_violation', hint = 'write a new version instead';
      end $$`);
    this.addSql(`
      create function refuse_history_delete() returns trigger language plpgsql as $$
      begin
        raise exception 'workout history is never deleted: % on % refused', tg_op, tg_table_name
          using errcode = 'integrity_constraint_violation';
      end $$`);
    this.addSql(`
      create function refuse_history_overwrite() returns trigger language plpgsql as $$
      declare
        overwritten text;
      begin
        select string_agg(o.key, ', ' order by o.key) into overwritten
        from jsonb_each(to_jsonb(old)) o
        where o.value <> 'null'::jsonb and (to_jsonb(new) -> o.key) is distinct from o.value;
        if overwritten is not null then
          raise exception 'workout history is append-only: % row %, column(s) % already set', tg_table_name, old.id, overwritten
            using errcode = 'integrity_constraint_violation', hint = 'only columns that are still NULL may be filled';
        end if;
        return new;
      end $$`);
    for (const table of VERSION_TABLES) {
      this.addSql(`create trigger ${table}_immutable before update or delete on ${table} for each row execute function refuse_version_change()`);
      this.addSql(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function refuse_version_change()`);
    }
    for (const table of HISTORY_TABLES) {
      this.addSql(`create trigger ${table}_no_delete before delete on ${table} for each row execute function refuse_history_delete()`);
      this.addSql(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function refuse_history_delete()`);
      this.addSql(`create trigger ${table}_fill_only before update on ${table} for each row execute function refuse_history_overwrite()`);
    }
  }

  override down(): void {
    for (const table of HISTORY_TABLES) {
      this.addSql(`drop trigger ${table}_fill_only on ${table}`);
      this.addSql(`drop trigger ${table}_no_truncate on ${table}`);
      this.addSql(`drop trigger ${table}_no_delete on ${table}`);
    }
    for (const table of VERSION_TABLES) {
      this.addSql(`drop trigger ${table}_no_truncate on ${table}`);
      this.addSql(`drop trigger ${table}_immutable on ${table}`);
    }
    this.addSql('drop function refuse_history_overwrite()');
    this.addSql('drop function refuse_history_delete()');
    this.addSql('drop function refuse_version_change()');
  }
}
