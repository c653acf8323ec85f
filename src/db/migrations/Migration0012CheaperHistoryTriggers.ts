import { Migration } from '@mikro-orm/migrations';

/** The exact check of Migration0004HistoryGuards, on the row images computed once. */
const FILL_ONLY_CHECK = `
        select string_agg(o.key, ', ' order by o.key) into overwritten
        from jsonb_each(before_row) o
        where o.value <> 'null'::jsonb and (after_row -> o.key) is distinct from o.value;
        if overwritten is not null then
          raise exception 'workout history is append-only: % row %, column(s) % already set', tg_table_name, old.id, overwritten
            using errcode = 'integrity_constraint_violation', hint = 'only columns that are still NULL may be filled';
        end if;
        return new;`;

/**
 * The same guarantees as Migration0004HistoryGuards and
 * Migration0010HistoryWatermarks, at a lower price per row: the backfill
 * fills a version reference on every session and set, and these triggers
 * were most of its database time.
 *
 * - The fill-only guard first tries a check made of plain expressions, which
 *   PL/pgSQL evaluates without running a query: with `set` the old row's
 *   non-null columns (jsonb_strip_nulls), `new || set = new` holds exactly
 *   when every one of them is unchanged, provided stripping removed nothing
 *   inside a value (`old || set = old`). Only when that check fails does the
 *   column-by-column query run, to refuse with the columns' names or to accept
 *   a value holding nested nulls; so a row is accepted or refused exactly as
 *   before, whatever its columns (columns added later included).
 * - The set trigger looks up each changed session once, not once per set
 *   (a backfill batch links about 20 sets per session).
 */
export class Migration0012CheaperHistoryTriggers extends Migration {
  override up(): void {
    this.addSql(`
      create or replace function refuse_history_overwrite() returns trigger language plpgsql as $$
      declare
        before_row jsonb := to_jsonb(old);
        after_row jsonb := to_jsonb(new);
        set_before jsonb := jsonb_strip_nulls(before_row);
        overwritten text;
      begin
        if (after_row || set_before) = after_row and (before_row || set_before) = before_row then
          return new;
        end if;${FILL_ONLY_CHECK}
      end $$`);
    this.addSql(`
      create or replace function move_history_watermarks_of_sets() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        insert into history_watermarks (user_id, watermark)
        select u.user_id, nextval('history_watermark_seq')
        from (select distinct s.user_id from workout_sessions s
              where s.id = any(array(select distinct n.session_id from changed n)) and s.completed_at is not null
              order by s.user_id) u
        on conflict (user_id) do update set watermark = excluded.watermark;
        return null;
      end $$`);
  }

  override down(): void {
    this.addSql(`
      create or replace function refuse_history_overwrite() returns trigger language plpgsql as $$
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
    this.addSql(`
      create or replace function move_history_watermarks_of_sets() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        insert into history_watermarks (user_id, watermark)
        select u.user_id, nextval('history_watermark_seq')
        from (select distinct s.user_id from changed n join workout_sessions s on s.id = n.session_id
              where s.completed_at is not null order by s.user_id) u
        on conflict (user_id) do update set watermark = excluded.watermark;
        return null;
      end $$`);
  }
}
