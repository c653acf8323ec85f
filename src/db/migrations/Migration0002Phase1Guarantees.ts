import { Migration } from '@mikro-orm/migrations';

/**
 * Phase 1 in the database: at most one active program per user, and the
 * indexes the legacy read paths need (program lists, history pages, sets of
 * a session, last performance by exercise id).
 *
 * The unique index fails to build if production already holds two active
 * programs for one user: that is deliberate, the operator must pick one
 * (`select user_id from programs where is_active group by 1 having count(*) > 1`).
 */
export class Migration0002Phase1Guarantees extends Migration {
  override up(): void {
    this.addSql('create unique index programs_one_active_per_user on programs (user_id) where is_active');
    this.addSql('create index programs_user_id on programs (user_id, created_at, id)');
    this.addSql('create index workout_sessions_user_started on workout_sessions (user_id, started_at desc, id desc)');
    this.addSql('create index workout_sessions_program on workout_sessions (program_id)');
    this.addSql('create index workout_session_sets_session on workout_session_sets (session_id, set_number)');
    this.addSql('create index workout_session_sets_user_exercise on workout_session_sets (user_id, exercise_id, session_id)');
  }

  override down(): void {
    this.addSql('drop index workout_session_sets_user_exercise');
    this.addSql('drop index workout_session_sets_session');
    this.addSql('drop index workout_sessions_program');
    this.addSql('drop index workout_sessions_user_started');
    this.addSql('drop index programs_user_id');
    this.addSql('drop index programs_one_active_per_user');
  }
}
