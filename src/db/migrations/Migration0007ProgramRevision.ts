import { Migration } from '@mikro-orm/migrations';

/**
 * `programs.revision`: a counter of the changes a program went through, for
 * optimistic concurrency in every phase (`modifyProgram(expectedRevision:)`).
 * Version numbers cannot serve there: with versioned writes off no version is
 * made, so an edit based on a stale read would pass unseen.
 *
 * The database keeps the counter, not the code, so every writer counts alike —
 * this service in any phase, the legacy app still writing blobs, operator
 * commands — and no writer can set it back:
 * - every update that changes what a reader sees (name, blob, active flag,
 *   soft delete, or the current version) adds exactly 1, whatever value the
 *   statement itself wrote into `revision`;
 * - moving the version pointer onto a version the unchanged blob holds
 *   (`legacy_json_version_id = current_version_id`: the backfill linking
 *   version 1, a catch-up version after writes made without versioning) shows
 *   nothing new, so it adds nothing: clients would otherwise get conflicts for
 *   edits nobody made;
 * - bookkeeping only (`updated_at`, the blob marker) adds nothing.
 *
 * Adding a column with a constant default rewrites no rows, so this is quick
 * on a large table. `down` drops the counter: after `up` again every program
 * starts from 1, and clients holding older numbers get CONFLICT (safe side).
 */
export class Migration0007ProgramRevision extends Migration {
  override up(): void {
    this.addSql('alter table programs add column revision int not null default 1, add constraint programs_revision_positive check (revision >= 1)');
    this.addSql(`
      create function count_program_revision() returns trigger language plpgsql as $$
      begin
        if new.name is distinct from old.name
          or new.program_json is distinct from old.program_json
          or new.is_active is distinct from old.is_active
          or new.deleted_at is distinct from old.deleted_at
          or (new.current_version_id is distinct from old.current_version_id
              and new.legacy_json_version_id is distinct from new.current_version_id) then
          new.revision := old.revision + 1;
        else
          new.revision := old.revision;
        end if;
        return new;
      end $$`);
    this.addSql('create trigger programs_count_revision before update on programs for each row execute function count_program_revision()');
  }

  override down(): void {
    this.addSql('drop trigger programs_count_revision on programs');
    this.addSql('drop function count_program_revision()');
    this.addSql('alter table programs drop constraint programs_revision_positive, drop column revision');
  }
}
