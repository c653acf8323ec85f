import type { BlobIssueLog } from './legacy-blob-issue.js';

/**
 * Settles the ids of one namespace of a blob (its workouts, or all its
 * exercises). It is built from every id the blob gives in that namespace, then
 * asked, item by item in blob order, which id each item gets.
 *
 * An id used exactly once is kept. A missing id, and every occurrence of a
 * shared one, is replaced by the item's derived id: no occurrence has a better
 * claim than another, and sessions logged against a shared id cannot tell
 * which one they meant. Both read paths go through here, so they name every
 * item alike.
 *
 * A derived id can only collide with an explicit id that happens to look like
 * one; it then gets the first free suffix `~2`, `~3`, …, still a function of the
 * blob alone.
 */
export class LegacyIdSettler {
  private readonly uses = new Map<string, number>();
  private readonly taken: Set<string>;

  constructor(
    private readonly kind: 'workout' | 'exercise',
    ids: readonly (string | undefined)[],
    private readonly log: BlobIssueLog,
  ) {
    for (const id of ids) {
      if (id !== undefined) this.uses.set(id, (this.uses.get(id) ?? 0) + 1);
    }
    this.taken = new Set([...this.uses].filter(([, count]) => count === 1).map(([id]) => id));
  }

  /** `path` locates the item in the blob; `derivedId` is its position-based id. */
  settle(id: string | undefined, path: string, derivedId: string): string {
    const uses = id === undefined ? 0 : (this.uses.get(id) ?? 0);
    if (id !== undefined && uses === 1) return id;
    const settled = this.firstFree(derivedId);
    this.taken.add(settled);
    if (id === undefined) {
      this.log.add(`${path}.id`, 'MISSING_ID', `${this.kind} has no usable id; derived id "${settled}"`);
    } else {
      this.log.add(`${path}.id`, 'DUPLICATE_ID', `${this.kind} id "${id}" is used ${uses} times in the program; derived id "${settled}"`);
    }
    return settled;
  }

  private firstFree(base: string): string {
    if (!this.taken.has(base)) return base;
    let suffix = 2;
    while (this.taken.has(`${base}~${suffix}`)) suffix += 1;
    return `${base}~${suffix}`;
  }
}
