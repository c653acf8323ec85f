/**
 * Pairs incoming items with stored ones in passes of decreasing certainty.
 * Each pass sees only what earlier passes left unpaired, and a pass is one
 * key function per side: items whose keys are equal are candidates, a null
 * key takes no part. Scoping a pass (say, "within the same workout") is done
 * by putting the scope into the key.
 */
export class Pairing<S, I> {
  private readonly storedIndexOfIncoming = new Map<number, number>();
  private readonly claimed = new Set<number>();

  constructor(
    private readonly stored: readonly S[],
    private readonly incoming: readonly I[],
  ) {}

  /**
   * `inOrder`: within a key, the n-th unpaired incoming item takes the n-th
   * unclaimed stored one (items that are equal in every respect that counts).
   * `unambiguous`: pairs only when exactly one item on each side has the key.
   */
  pass(storedKey: (item: S) => string | null, incomingKey: (item: I) => string | null, rule: 'inOrder' | 'unambiguous'): void {
    const open = groupBy(this.stored, (item, index) => (this.claimed.has(index) ? null : storedKey(item)));
    const wanting = groupBy(this.incoming, (item, index) => (this.storedIndexOfIncoming.has(index) ? null : incomingKey(item)));
    for (const [key, incomingIndexes] of wanting) {
      const candidates = open.get(key) ?? [];
      if (rule === 'unambiguous' && (candidates.length !== 1 || incomingIndexes.length !== 1)) continue;
      incomingIndexes.forEach((incomingIndex, n) => {
        const storedIndex = candidates[n];
        if (storedIndex === undefined) return;
        this.storedIndexOfIncoming.set(incomingIndex, storedIndex);
        this.claimed.add(storedIndex);
      });
    }
  }

  storedIndexOf(incomingIndex: number): number | undefined {
    return this.storedIndexOfIncoming.get(incomingIndex);
  }

  storedOf(incomingIndex: number): S | undefined {
    const storedIndex = this.storedIndexOfIncoming.get(incomingIndex);
    return storedIndex === undefined ? undefined : this.stored[storedIndex];
  }
}

/** Indexes of items by key, in item order; null keys are left out. */
function groupBy<T>(items: readonly T[], key: (item: T, index: number) => string | null): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const k = key(item, index);
    if (k === null) return;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [index]);
    else group.push(index);
  });
  return groups;
}
