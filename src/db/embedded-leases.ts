import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who uses an embedded PostgreSQL: one lease file per process (named after its
 * pid) in a directory beside the cluster. `npm start` and the operator
 * commands share one server per data directory, whichever started it; the
 * last live user out stops it. Counting connections cannot tell this: an idle
 * pool holds none. A process killed without cleaning up leaves a stale lease,
 * which is recognised by its dead pid and dropped.
 */
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
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(lock, 'utf8').trim() || NaN);
        // An empty file is a lock being written right now: wait for it like for a live one.
        if (Number.isInteger(holder) && !isAlive(holder)) {
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

  take(): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, String(process.pid)), '');
  }

  drop(): void {
    rmSync(join(this.dir, String(process.pid)), { force: true });
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
