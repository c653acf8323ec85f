/**
 * At most `size` shadow comparisons hold a database snapshot (a pooled
 * connection, for a transaction's length) at once; the others wait their turn.
 * Sampling then never takes more of the pool than that from user requests.
 */
export class SnapshotSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  /** Runs `work` in a slot; skipped (undefined) when `abandoned()` says so by the time a slot is free. */
  async run<T>(work: () => Promise<T>, abandoned: () => boolean): Promise<T | undefined> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return abandoned() ? undefined : await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/** The slots every shadow comparison of this process shares. */
export const shadowSnapshotSlots = new SnapshotSlots(2);
