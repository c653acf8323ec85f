import { Migration } from '@mikro-orm/migrations';

/**
 * Phase 2: immutable program versions beside the legacy blob, and version
 * references on history rows. Composite foreign keys keep every reference
 * inside one version (a schedule entry cannot point at another version's
 * workout; a session's workout version belongs to its program version).
 * Every table carries `user_id` so the data can later be distributed by user.
 */
export class Migration0003ProgramVersions extends Migration {
  override up(): void {
    this.addSql(`
      create table program_versions (
        id                uuid primary key,
        program_id        uuid not null references programs(id),
        user_id           uuid not null,
        version_number    int not null check (version_number >= 1),
        parent_version_id uuid references program_versions(id),
        source            text not null check (source in ('BACKFILL', 'USER', 'AI', 'REVERT')),
        name              text not null,
        content_hash      text not null,
        created_at        timestamptz not null default now(),
        constraint program_versions_number_unique unique (program_id, version_number),
        constraint program_versions_parent_rule check ((version_number = 1) = (parent_version_id is null))
      )`);
    this.addSql(`
      create table program_version_workouts (
        id                 uuid primary key,
        program_version_id uuid not null references program_versions(id),
        user_id            uuid not null,
        workout_id         text not null,
        position           int not null check (position >= 0),
        name               text not null,
        constraint program_version_workouts_stable_id_unique unique (program_version_id, workout_id),
        constraint program_version_workouts_position_unique unique (program_version_id, position),
        constraint program_version_workouts_in_version unique (program_version_id, id)
      )`);
    this.addSql(`
      create table program_version_exercises (
        id                         uuid primary key,
        program_version_id         uuid not null,
        program_version_workout_id uuid not null,
        user_id                    uuid not null,
        exercise_id                text not null,
        position                   int not null check (position >= 0),
        name                       text not null,
        notes                      text,
        sets                       jsonb not null check (jsonb_typeof(sets) = 'array' and jsonb_array_length(sets) >= 1),
        constraint program_version_exercises_workout_fk foreign key (program_version_id, program_version_workout_id)
          references program_version_workouts (program_version_id, id),
        constraint program_version_exercises_stable_id_unique unique (program_version_id, exercise_id),
        constraint program_version_exercises_position_unique unique (program_version_workout_id, position)
      )`);
    this.addSql(`
      create table program_version_schedule (
        program_version_id         uuid not null references program_versions(id),
        user_id                    uuid not null,
        position                   int not null check (position >= 0),
        day_of_week                smallint not null check (day_of_week between 0 and 6),
        program_version_workout_id uuid not null,
        primary key (program_version_id, position),
        constraint program_version_schedule_workout_fk foreign key (program_version_id, program_version_workout_id)
          references program_version_workouts (program_version_id, id)
      )`);
    // legacy_json_version_id: the version program_json was last written from. Equal to
    // current_version_id when both agree; NULL when the blob was written without
    // versioning (blob newer); an older version in Phase 5 (version newer).
    this.addSql(`alter table programs
      add column current_version_id uuid references program_versions(id),
      add column legacy_json_version_id uuid references program_versions(id)`);
    this.addSql(`alter table workout_sessions
      add column program_version_id uuid references program_versions(id),
      add column workout_version_id uuid,
      add constraint workout_sessions_workout_version_fk foreign key (program_version_id, workout_version_id)
        references program_version_workouts (program_version_id, id),
      add constraint workout_sessions_workout_version_needs_program check (workout_version_id is null or program_version_id is not null)`);
    this.addSql('alter table workout_session_sets add column exercise_version_id uuid references program_version_exercises(id)');
    this.addSql('create index program_versions_user on program_versions (user_id)');
    this.addSql('create index program_version_exercises_version_workout on program_version_exercises (program_version_workout_id, position)');
    this.addSql('create index workout_sessions_program_version on workout_sessions (program_version_id)');
    this.addSql('create index workout_session_sets_exercise_version on workout_session_sets (exercise_version_id)');
  }

  override down(): void {
    this.addSql('alter table workout_session_sets drop column exercise_version_id');
    this.addSql(`alter table workout_sessions drop constraint workout_sessions_workout_version_needs_program,
      drop constraint workout_sessions_workout_version_fk, drop column workout_version_id, drop column program_version_id`);
    this.addSql('alter table programs drop column legacy_json_version_id, drop column current_version_id');
    this.addSql('drop table program_version_schedule');
    this.addSql('drop table program_version_exercises');
    this.addSql('drop table program_version_workouts');
    this.addSql('drop table program_versions');
  }
}
