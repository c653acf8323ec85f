import { mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who uses an embedded PostgreSQL: one lease file per process (named after its
 * pid) in a directory beside the cluster. `npm start` and the operator
 * commands share one server per data directory, whichever started it; the
 * last live user out stops it. Counting connections cannot tell this: an idle
 * pool holds none. A process killed without cleaning up leaves a stale lease,
 * which is recognised by its dead pid and dropped.
 */
/** How long a lock file may stay empty before its writer is taken for dead (writing a pid takes microseconds). */
const EMPTY_LOCK_STALE_MS = 5_000;

/** When the lock file was last written (0 when it is gone: then it is free anyway). */
function lockAge(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

/** Handles this process holds per lease directory: one lease file per process, however many handles. */
const held = new Map<string, number>();

export class EmbeddedLeases {
  private readonly dir: string;

  constructor(clusterDir: string) {
    this.dir = `${clusterDir}.leases`;
  }

  /** Runs `work` while no other process starts or stops this cluster (a lock file holding the pid). */
  async exclusively<T>(work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
    mkdirSync(this.dir, { recursive: true });
    const lock = join(this.dir, 'lock');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          mkdirSync(this.dir, { recursive: true }); // the last user out removed it just now
          continue;
        }
        if (code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(lock, 'utf8').trim() || NaN);
        // An empty file is a lock being written right now: wait for it like for a live one, unless it has
        // stayed empty far longer than writing a pid takes (its writer died in between): then it is stale.
        const stale = Number.isInteger(holder) ? !isAlive(holder) : Date.now() - lockAge(lock) > EMPTY_LOCK_STALE_MS;
        if (stale) {
          rmSync(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) throw new Error(`the embedded PostgreSQL is being started or stopped by process ${holder}; ${lock} has been held for over ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    try {
      return await work();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  /** Removes the lease directory when nobody holds a lease or the lock (the server was stopped). */
  removeIfUnused(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // in use again, or gone already
    }
  }

  take(): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, String(process.pid)), '');
    held.set(this.dir, (held.get(this.dir) ?? 0) + 1);
  }

  /** Drops this process's lease once every handle it took on the cluster has let go. */
  drop(): void {
    const left = (held.get(this.dir) ?? 1) - 1;
    if (left > 0) {
      held.set(this.dir, left);
      return;
    }
    held.delete(this.dir);
    rmSync(join(this.dir, String(process.pid)), { force: true });
  }

  /** True while another handle of this very process still uses the cluster. */
  heldHere(): boolean {
    return (held.get(this.dir) ?? 0) > 0;
  }

  /** Pids of the other live processes holding a lease; stale leases are removed on the way. */
  otherUsers(): number[] {
    const users: number[] = [];
    for (const name of safeReaddir(this.dir)) {
      const pid = Number(name);
      if (!/^\d+$/.test(name) || pid === process.pid) continue;
      if (isAlive(pid)) users.push(pid);
      else rmSync(join(this.dir, name), { force: true });
    }
    return users;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
