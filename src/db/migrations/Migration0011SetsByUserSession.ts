import { Migration } from '@mikro-orm/migrations';

/**
 * A user's sets of one session, by (user, session): the versioned path's last
 * performance probes each session for a set linked to any version row of an
 * exercise, and reads the found session's sets of it. With the user named (as
 * every statement names it) and no such index, PostgreSQL answered those
 * lookups from `workout_session_sets_user_exercise` by its leading user
 * column alone: every probe read the user's whole history of sets.
 */
export class Migration0011SetsByUserSession extends Migration {
  override up(): void {
    this.addSql('create index workout_session_sets_user_session on workout_session_sets (user_id, session_id)');
  }

  override down(): void {
    this.addSql('drop index workout_session_sets_user_session');
  }
}
