import { Migration } from '@mikro-orm/migrations';

/**
 * The legacy schema exactly as it exists in production before this product
 * (docs/legacy-data.md), so that a fresh database looks like production. Production
 * databases already have these tables: there `up` is a no-op thanks to
 * IF NOT EXISTS. `down` is refused by the migrate command: reverting it would
 * drop every user's history.
 */
export class Migration0001LegacySchema extends Migration {
  override up(): void {
    this.addSql(`
      create table if not exists programs (
        id            uuid primary key,
        user_id       uuid not null,
        name          text not null,
        is_active     boolean not null default false,
        program_json  jsonb not null,
        created_at    timestamptz not null default now(),
        updated_at    timestamptz not null default now(),
        deleted_at    timestamptz
      )`);
    this.addSql(`
      create table if not exists workout_sessions (
        id                     uuid primary key,
        user_id                uuid not null,
        program_id             uuid references programs(id),
        workout_id             text,
        workout_name_snapshot  text,
        started_at             timestamptz not null,
        completed_at           timestamptz,
        notes                  text
      )`);
    this.addSql(`
      create table if not exists workout_session_sets (
        id             uuid primary key,
        session_id     uuid not null references workout_sessions(id),
        user_id        uuid not null,
        exercise_id    text,
        exercise_name  text not null,
        set_number     int not null,
        reps           int,
        weight_kg      numeric(6,2),
        rpe            numeric(3,1),
        completed_at   timestamptz
      )`);
  }

  override down(): void {
    this.addSql('drop table workout_session_sets');
    this.addSql('drop table workout_sessions');
    this.addSql('drop table programs');
  }
}
