import { Migration } from '@mikro-orm/migrations';

/**
 * Phase 3 bookkeeping: one row per backfill run (its counts, its checkpoint
 * for resuming after a crash) and one per record it could not map, so
 * operators can query reports long after the run.
 */
export class Migration0005BackfillRuns extends Migration {
  override up(): void {
    this.addSql(`
      create table backfill_runs (
        id           uuid primary key,
        started_at   timestamptz not null default now(),
        finished_at  timestamptz,
        status       text not null check (status in ('running', 'completed', 'failed')),
        batch_size   int not null check (batch_size > 0),
        phase        text not null check (phase in ('programs', 'sessions', 'done')),
        last_key     uuid,
        counts       jsonb not null,
        error        text
      )`);
    this.addSql(`create unique index backfill_runs_one_running on backfill_runs ((true)) where status = 'running'`);
    this.addSql(`
      create table backfill_items (
        run_id     uuid not null references backfill_runs(id),
        kind       text not null check (kind in ('program', 'session', 'set')),
        record_id  uuid not null,
        reason     text not null,
        detail     text not null,
        primary key (run_id, kind, record_id)
      )`);
  }

  override down(): void {
    this.addSql('drop table backfill_items');
    this.addSql('drop table backfill_runs');
  }
}
