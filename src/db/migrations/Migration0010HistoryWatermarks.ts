import { Migration } from '@mikro-orm/migrations';
import { grantToRuntime, revokeFromRuntime } from '../runtime-role.js';

/**
 * A per-user watermark of the history last performance is computed from,
 * moved by the database in the same statement as every change that can alter
 * a last performance, whatever code makes it (the writers, the backfill's
 * links, an import, a hand-run fix):
 * - a session inserted completed, or any update of a session that is (or
 *   becomes) completed: the completion itself, a filled name snapshot or
 *   version reference;
 * - a set inserted into, or updated in (the backfill's version link), a
 *   completed session.
 * Sets logged into an open session do not move it: a session counts for last
 * performance only once completed, and completing it does move it. History is
 * never deleted (Migration0004HistoryGuards), so no delete can be missed, and
 * version rows never change.
 *
 * Each move takes a new value from one sequence, so a value is never reused:
 * two reads that see the same watermark of a user saw the same history (a
 * value taken by a transaction that rolled back is never seen). Users are
 * locked in id order, so two bulk statements cannot deadlock on them.
 *
 * The functions run as their owner (SECURITY DEFINER): the service's role only
 * reads watermarks, and holds nothing on the sequence.
 */
export class Migration0010HistoryWatermarks extends Migration {
  override up(): void {
    this.addSql('create sequence history_watermark_seq');
    this.addSql(`create table history_watermarks (
      user_id uuid primary key,
      watermark bigint not null
    )`);
    this.addSql(`
      create function move_history_watermarks_of_sessions() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        insert into history_watermarks (user_id, watermark)
        select u.user_id, nextval('history_watermark_seq')
        from (select distinct n.user_id from changed n where n.completed_at is not null order by n.user_id) u
        on conflict (user_id) do update set watermark = excluded.watermark;
        return null;
      end $$`);
    this.addSql(`
      create function move_history_watermarks_of_sets() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        insert into history_watermarks (user_id, watermark)
        select u.user_id, nextval('history_watermark_seq')
        from (select distinct s.user_id from changed n join workout_sessions s on s.id = n.session_id
              where s.completed_at is not null order by s.user_id) u
        on conflict (user_id) do update set watermark = excluded.watermark;
        return null;
      end $$`);
    // Transition tables allow one event per trigger: one trigger per event.
    for (const [table, fn] of [
      ['workout_sessions', 'move_history_watermarks_of_sessions'],
      ['workout_session_sets', 'move_history_watermarks_of_sets'],
    ] as const) {
      for (const event of ['insert', 'update'] as const) {
        this.addSql(
          `create trigger ${table}_${event}_moves_watermark after ${event} on ${table} referencing new table as changed for each statement execute function ${fn}()`,
        );
      }
    }
    // History already there: every user with a completed session starts with a value of its own.
    this.addSql(`insert into history_watermarks (user_id, watermark)
      select u.user_id, nextval('history_watermark_seq') from (select distinct user_id from workout_sessions where completed_at is not null order by user_id) u`);
    for (const sql of grantToRuntime([{ table: 'history_watermarks', privileges: ['select'] }])) this.addSql(sql);
  }

  override down(): void {
    for (const sql of revokeFromRuntime(['history_watermarks'])) this.addSql(sql);
    for (const table of ['workout_sessions', 'workout_session_sets']) {
      for (const event of ['insert', 'update']) this.addSql(`drop trigger ${table}_${event}_moves_watermark on ${table}`);
    }
    this.addSql('drop function move_history_watermarks_of_sets()');
    this.addSql('drop function move_history_watermarks_of_sessions()');
    this.addSql('drop table history_watermarks');
    this.addSql('drop sequence history_watermark_seq');
  }
}
