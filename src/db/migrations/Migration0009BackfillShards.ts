import { Migration } from '@mikro-orm/migrations';

/**
 * A backfill split into shards (`--shard K/N`, `--workers N`) keeps one run
 * per shard: its own checkpoint, counts and items. A run records which shard
 * it is (0-based index of a split into `shard_count`); a run over every user
 * is shard 0 of 1. One running run per shard of a split.
 */
export class Migration0009BackfillShards extends Migration {
  override up(): void {
    this.addSql(`alter table backfill_runs
      add column shard_index int not null default 0,
      add column shard_count int not null default 1,
      add constraint backfill_runs_shard check (shard_count >= 1 and shard_index >= 0 and shard_index < shard_count)`);
    this.addSql('drop index backfill_runs_one_running');
    this.addSql(`create unique index backfill_runs_one_running on backfill_runs (shard_count, shard_index) where status = 'running'`);
  }

  override down(): void {
    this.addSql('drop index backfill_runs_one_running');
    this.addSql(`create unique index backfill_runs_one_running on backfill_runs ((true)) where status = 'running'`);
    this.addSql('alter table backfill_runs drop constraint backfill_runs_shard, drop column shard_count, drop column shard_index');
  }
}
