import { Migration } from '@mikro-orm/migrations';

/**
 * Phase 4 read paths: last performance on the versioned path follows the
 * stable exercise id across versions (exercise rows by user and stable id,
 * then their logged sets); the calendar and history need nothing new.
 */
export class Migration0006VersionedReadIndexes extends Migration {
  override up(): void {
    this.addSql('create index program_version_exercises_user_stable_id on program_version_exercises (user_id, exercise_id)');
  }

  override down(): void {
    this.addSql('drop index program_version_exercises_user_stable_id');
  }
}
