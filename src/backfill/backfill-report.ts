import { z } from 'zod';

/** The report keys scripts rely on (never renamed); for every kind, `total` is the sum of the other counts. */
export const countsSchema = z.object({
  programs: z.object({ total: z.number(), versioned: z.number(), alreadyVersioned: z.number(), unreadable: z.number() }),
  sessions: z.object({ total: z.number(), linked: z.number(), linkedByName: z.number(), unmatched: z.number() }),
  sets: z.object({ total: z.number(), linked: z.number(), linkedByName: z.number(), unmatched: z.number() }),
  /** How links were made; `linkedByName` includes `exerciseNames` for sessions. Not part of any total. */
  evidence: z.object({
    sessions: z.object({ already: z.number(), id: z.number(), name: z.number(), exerciseNames: z.number() }),
    sets: z.object({ already: z.number(), id: z.number(), name: z.number() }),
  }),
});
export type BackfillCounts = z.output<typeof countsSchema>;

export type ItemKind = 'program' | 'session' | 'set';

export interface UnmatchedItem {
  readonly kind: ItemKind;
  readonly id: string;
  readonly reason: string;
  readonly detail: string;
}

/** The report without its items (they are streamed: a large corpus may have many). */
export interface BackfillOutcome extends BackfillCounts {
  readonly dryRun: boolean;
  readonly runId: string | null;
  /** `K/N` when the run covered one shard of a split. */
  readonly shard?: string;
  /** The shards of a `--workers` run, each with its run. */
  readonly shards?: readonly { readonly shard: string; readonly runId: string | null }[];
  /** Rows (programs + sessions) this invocation processed. */
  readonly rowsProcessed: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly rowsPerSecond: number;
}

export function emptyCounts(): BackfillCounts {
  return {
    programs: { total: 0, versioned: 0, alreadyVersioned: 0, unreadable: 0 },
    sessions: { total: 0, linked: 0, linkedByName: 0, unmatched: 0 },
    sets: { total: 0, linked: 0, linkedByName: 0, unmatched: 0 },
    evidence: { sessions: { already: 0, id: 0, name: 0, exerciseNames: 0 }, sets: { already: 0, id: 0, name: 0 } },
  };
}

/** Adds `b` into `a` (every numeric leaf). */
export function addCounts(a: BackfillCounts, b: BackfillCounts): BackfillCounts {
  const add = <T extends Record<string, number>>(x: T, y: T): T =>
    Object.fromEntries(Object.keys(x).map((k) => [k, (x[k] ?? 0) + (y[k] ?? 0)])) as T;
  return {
    programs: add(a.programs, b.programs),
    sessions: add(a.sessions, b.sessions),
    sets: add(a.sets, b.sets),
    evidence: { sessions: add(a.evidence.sessions, b.evidence.sessions), sets: add(a.evidence.sets, b.evidence.sets) },
  };
}

/** Tallies unmatched items by kind and reason, keeping a few examples of each. */
export class ReasonTally {
  private readonly groups = new Map<string, { count: number; examples: UnmatchedItem[] }>();

  constructor(private readonly examplesPerReason = 3) {}

  add(item: UnmatchedItem): void {
    const key = `${item.kind} ${item.reason}`;
    const group = this.groups.get(key) ?? { count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < this.examplesPerReason) group.examples.push(item);
    this.groups.set(key, group);
  }

  lines(): string[] {
    if (this.groups.size === 0) return [];
    return [
      '  unmatched, by kind and reason:',
      ...[...this.groups]
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([key, g]) => [`    ${key}: ${g.count}`, ...g.examples.map((i) => `      ${i.id}  ${i.detail}`)]),
    ];
  }
}

/** A readable summary for stdout: the counts, then unmatched records grouped by reason. */
export function summarise(outcome: BackfillOutcome, tally: ReasonTally): string {
  const p = outcome.programs;
  const s = outcome.sessions;
  const t = outcome.sets;
  return [
    `backfill ${outcome.shard ? `shard ${outcome.shard} ` : ''}${outcome.dryRun ? 'DRY RUN (nothing written)' : outcome.shards ? `runs ${outcome.shards.map((s) => `${s.runId} (shard ${s.shard})`).join(', ')}` : `run ${outcome.runId}`}: ${(outcome.durationMs / 1000).toFixed(1)} s, ${Math.round(outcome.rowsPerSecond)} rows/s`,
    `  programs: ${p.total} total — ${p.versioned} versioned, ${p.alreadyVersioned} already versioned, ${p.unreadable} unreadable`,
    `  sessions: ${s.total} total — ${s.linked} linked, ${s.linkedByName} linked by name, ${s.unmatched} unmatched`,
    `  sets:     ${t.total} total — ${t.linked} linked, ${t.linkedByName} linked by name, ${t.unmatched} unmatched`,
    ...tally.lines(),
  ].join('\n');
}
