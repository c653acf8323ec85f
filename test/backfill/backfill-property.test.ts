import fc from 'fast-check';
import type { BackfillCounts, BackfillOutcome, UnmatchedItem } from '../../src/backfill/backfill-report.js';
import { runBackfill } from '../../src/backfill/backfill-runner.js';
import { duplicatedRawIds } from '../../src/domain/backfill/history-match.js';
import { readLegacyBlob } from '../../src/domain/legacy-blob.js';
import type { ProgramContent } from '../../src/domain/program.js';
import { contentHash } from '../../src/domain/content-hash.js';
import type { TestDatabase } from '../support/test-database.js';
import { corpusArb, fixedCorpus, SMALL_CORPUS, type Corpus } from './corpus.js';
import { expectedCounts, expectedOutcomes, type ExpectedOutcomes } from './expected-outcomes.js';
import { withFreshDatabase } from './fresh-database.js';
import { historyLinks, insertCorpus, legacyColumns, runItems, tableChecksums, versionTrees, type RecordedItem } from './legacy-rows.js';

/*
 * The backfill over random legacy corpora (test/backfill/corpus.ts), each in a
 * database of its own: a dry run writes nothing and counts what the real run
 * then does; every session and set ends up linked or reported, exactly once;
 * the counts add up; legacy columns are untouched but for NULL snapshots
 * filled; a second run versions nothing and changes no link.
 */

const NUM_RUNS = 30;
const BUDGET_MS = 45_000;

const countsOf = (o: BackfillOutcome | BackfillCounts) => ({ programs: o.programs, sessions: o.sessions, sets: o.sets, evidence: o.evidence });
const sortedItems = (items: readonly (UnmatchedItem | RecordedItem)[]) =>
  items.map((i) => `${i.kind} ${'recordId' in i ? i.recordId : i.id} ${i.reason}`).sort();

describe('the corpus generator', () => {
  it('mixes every kind of legacy record the backfill must handle', () => {
    const seen = new Set<string>();
    for (const corpus of fc.sample(corpusArb(SMALL_CORPUS), { seed: 1, numRuns: 150 })) {
      const expected = expectedOutcomes(corpus);
      for (const p of corpus.programs) {
        seen.add(`program ${p.shape}`);
        if (p.deletedAt) seen.add('program soft-deleted');
      }
      for (const o of expected.sessions.values()) seen.add(`session ${o.kind === 'linked' ? (o.byName ? 'by name' : 'by id') : o.reason}`);
      for (const o of expected.sets.values()) seen.add(`set ${o.kind === 'linked' ? (o.byName ? 'by name' : 'by id') : o.reason}`);
      for (const s of corpus.sessions) if (s.workoutNameSnapshot === null) seen.add('session without snapshot');
      for (const s of corpus.sets) if (s.exerciseId === null) seen.add('set without exercise id');
    }
    expect([...seen].sort()).toEqual(
      [
        'program phase1',
        'program older',
        'program unreadable',
        'program soft-deleted',
        'session by id',
        'session by name',
        'session NO_PROGRAM',
        'session PROGRAM_UNREADABLE',
        'session WORKOUT_NOT_IN_PROGRAM',
        'session AMBIGUOUS_WORKOUT',
        'session NO_WORKOUT_EVIDENCE',
        'session without snapshot',
        'set by id',
        'set by name',
        'set SESSION_UNMATCHED',
        'set EXERCISE_NOT_IN_PROGRAM',
        'set AMBIGUOUS_EXERCISE',
        'set NO_EXERCISE_EVIDENCE',
        'set without exercise id',
      ].sort(),
    );
  });

  it('never repeats an id only on an item the reader drops (pinned separately: a known disagreement)', () => {
    for (const corpus of fc.sample(corpusArb(SMALL_CORPUS), { seed: 2, numRuns: 300 })) {
      for (const p of corpus.programs) {
        const read = readLegacyBlob(p.id, p.blob);
        if (!read.ok) continue;
        const raw = duplicatedRawIds(p.blob);
        expect(read.content.workouts.filter((w) => raw.workouts.has(w.id))).toEqual([]);
        expect(read.content.workouts.flatMap((w) => w.exercises).filter((e) => raw.exercises.has(e.id))).toEqual([]);
      }
    }
  });

  it('builds the same corpus from the same seed', () => {
    expect(fixedCorpus(SMALL_CORPUS, 5)).toEqual(fixedCorpus(SMALL_CORPUS, 5));
  });
});

describe('backfill over random legacy corpora', () => {
  it(
    'links or reports every record exactly once, counts it, leaves legacy columns alone, and is idempotent',
    async () => {
      // Each run (and each shrink step) clones a database. Past the budget, runs pass without
      // checking anything: on a slow machine fewer corpora are tried, and a failure found in time
      // is reported with the smallest counterexample shrinking reached by then. (fast-check's own
      // limits do not fit: interruptAfterTimeLimit leaves a run going in the background, and
      // skipAllAfterTimeLimit fails the property for too many skips.)
      const deadline = Date.now() + BUDGET_MS;
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(corpusArb(SMALL_CORPUS), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), async (corpus, batchSize, secondBatchSize) => {
          if (Date.now() > deadline) return;
          checked += 1;
          await withFreshDatabase((db) => checkBackfill(db, corpus, batchSize, secondBatchSize));
        }),
        { numRuns: NUM_RUNS },
      );
      expect(checked).toBeGreaterThanOrEqual(5);
    },
    BUDGET_MS * 3,
  );
});

async function checkBackfill(db: TestDatabase, corpus: Corpus, batchSize: number, secondBatchSize: number): Promise<void> {
  await insertCorpus(db.sql, corpus);
  const expected = expectedOutcomes(corpus);
  const pristine = await tableChecksums(db.sql);
  const before = await legacyColumns(db.sql);

  // A dry run writes nothing at all.
  const dryItems: UnmatchedItem[] = [];
  const dry = await runBackfill(db.orm, { url: db.url, dryRun: true, batchSize, onItems: (items) => dryItems.push(...items) });
  expect(await tableChecksums(db.sql)).toEqual(pristine);
  expect(dry.runId).toBeNull();

  const streamed: UnmatchedItem[] = [];
  const first = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize, onItems: (items) => streamed.push(...items) });
  const items = await runItems(db.sql, first.runId!);
  const links = await historyLinks(db.sql);

  // The dry run counted, and reported, exactly what the real run did.
  expect(countsOf(dry)).toEqual(countsOf(first));
  expect(sortedItems(dryItems)).toEqual(sortedItems(items));
  expect(sortedItems(streamed)).toEqual(sortedItems(items));

  checkExactlyOnce(corpus, items, links);
  checkAgainstExpected(corpus, expected, items, links);
  await checkCounts(db, corpus, expected, first, items, links);
  await checkLegacyUntouched(db, before, expected, links);
  await checkVersions(db, corpus, expected);

  // (d) A second run finds everything done: no new version, no changed link, the same report.
  const settled = await tableChecksums(db.sql);
  const second = await runBackfill(db.orm, { url: db.url, dryRun: false, batchSize: secondBatchSize });
  const readable = expected.readablePrograms.size;
  expect(second.programs).toEqual({ total: corpus.programs.length, versioned: 0, alreadyVersioned: readable, unreadable: corpus.programs.length - readable });
  for (const kind of ['sessions', 'sets'] as const) {
    expect(second[kind]).toEqual({
      total: first[kind].total,
      linked: first[kind].linked + first[kind].linkedByName,
      linkedByName: 0,
      unmatched: first[kind].unmatched,
    });
  }
  expect(second.runId).not.toBe(first.runId);
  expect(sortedItems(await runItems(db.sql, second.runId!))).toEqual(sortedItems(items));
  const after = await tableChecksums(db.sql);
  for (const table of Object.keys(settled)) {
    if (table === 'backfill_runs' || table === 'backfill_items') continue;
    expect({ table, ...after[table] }).toEqual({ table, ...settled[table] });
  }
}

type Links = Awaited<ReturnType<typeof historyLinks>>;

/** (a) Every session and set of the corpus is linked or in the run's items — never both, never neither. */
function checkExactlyOnce(corpus: Corpus, items: readonly RecordedItem[], links: Links): void {
  const reported = new Map<string, number>();
  for (const item of items) reported.set(`${item.kind} ${item.recordId}`, (reported.get(`${item.kind} ${item.recordId}`) ?? 0) + 1);
  const wrong: string[] = [];
  const check = (kind: string, id: string, linked: boolean) => {
    const times = (reported.get(`${kind} ${id}`) ?? 0) + (linked ? 1 : 0);
    if (times !== 1) wrong.push(`${kind} ${id}: linked ${linked}, reported ${reported.get(`${kind} ${id}`) ?? 0} times`);
  };
  for (const s of corpus.sessions) check('session', s.id, links.sessions.get(s.id)!.programVersionId !== null);
  for (const s of corpus.sets) check('set', s.id, links.sets.get(s.id)!.exerciseVersionId !== null);
  expect(wrong).toEqual([]);
  const known = new Set([...corpus.programs.map((p) => `program ${p.id}`), ...corpus.sessions.map((s) => `session ${s.id}`), ...corpus.sets.map((s) => `set ${s.id}`)]);
  expect(items.filter((i) => !known.has(`${i.kind} ${i.recordId}`))).toEqual([]);
}

/** Each row went where the rules of evidence send it: the right workout and exercise, or the right reason. */
function checkAgainstExpected(corpus: Corpus, expected: ExpectedOutcomes, items: readonly RecordedItem[], links: Links): void {
  const reasonOf = new Map(items.map((i) => [`${i.kind} ${i.recordId}`, i.reason]));

  const actualSessions: Record<string, string> = {};
  const wantedSessions: Record<string, string> = {};
  for (const s of corpus.sessions) {
    const link = links.sessions.get(s.id)!;
    actualSessions[s.id] =
      link.programVersionId === null
        ? `unmatched ${reasonOf.get(`session ${s.id}`)}`
        : `linked to ${link.workoutId} of version ${link.versionNumber} of program ${link.versionProgramId}`;
    const want = expected.sessions.get(s.id)!;
    wantedSessions[s.id] = want.kind === 'unmatched' ? `unmatched ${want.reason}` : `linked to ${want.workoutId} of version 1 of program ${s.programId}`;
  }
  expect(actualSessions).toEqual(wantedSessions);

  const actualSets: Record<string, string> = {};
  const wantedSets: Record<string, string> = {};
  for (const s of corpus.sets) {
    const link = links.sets.get(s.id)!;
    const sessionVersion = links.sessions.get(s.sessionId)!.programVersionId;
    actualSets[s.id] =
      link.exerciseVersionId === null
        ? `unmatched ${reasonOf.get(`set ${s.id}`)}`
        : `linked to ${link.exerciseId}${link.exerciseProgramVersionId === sessionVersion ? '' : ` of ANOTHER version than its session's (${link.exerciseProgramVersionId})`}`;
    const want = expected.sets.get(s.id)!;
    wantedSets[s.id] = want.kind === 'unmatched' ? `unmatched ${want.reason}` : `linked to ${want.exerciseId}`;
  }
  expect(actualSets).toEqual(wantedSets);
}

/** (b) Totals are the corpus sizes, each total is the sum of its parts, and `unmatched` is the number of items. */
async function checkCounts(db: TestDatabase, corpus: Corpus, expected: ExpectedOutcomes, outcome: BackfillOutcome, items: readonly RecordedItem[], links: Links) {
  const want = expectedCounts(expected);
  expect({ programs: outcome.programs, sessions: outcome.sessions, sets: outcome.sets }).toEqual(want);

  const p = outcome.programs;
  expect(p.total).toBe(corpus.programs.length);
  expect(p.total).toBe(p.versioned + p.alreadyVersioned + p.unreadable);
  expect(p.unreadable).toBe(items.filter((i) => i.kind === 'program').length);
  const linkedSessions = [...links.sessions.values()].filter((l) => l.programVersionId !== null).length;
  const linkedSets = [...links.sets.values()].filter((l) => l.exerciseVersionId !== null).length;
  for (const [kind, total, linked] of [
    ['sessions', corpus.sessions.length, linkedSessions],
    ['sets', corpus.sets.length, linkedSets],
  ] as const) {
    const c = outcome[kind];
    expect(c.total).toBe(total);
    expect(c.total).toBe(c.linked + c.linkedByName + c.unmatched);
    expect(c.unmatched).toBe(items.filter((i) => `${i.kind}s` === kind).length);
    expect(c.linked + c.linkedByName).toBe(linked);
  }
  const e = outcome.evidence;
  expect(e.sessions.already).toBe(0);
  expect(e.sessions.id).toBe(outcome.sessions.linked);
  expect(e.sessions.name + e.sessions.exerciseNames).toBe(outcome.sessions.linkedByName);
  expect(e.sets.already).toBe(0);
  expect(e.sets.id).toBe(outcome.sets.linked);
  expect(e.sets.name).toBe(outcome.sets.linkedByName);

  // The run row holds the same report, and the run is closed.
  const { rows } = await db.sql.query('select status, phase, last_key, counts, finished_at from backfill_runs where id = $1', [outcome.runId]);
  expect(rows[0]).toMatchObject({ status: 'completed', phase: 'done' });
  expect(rows[0].finished_at).not.toBeNull();
  expect(rows[0].counts).toEqual(countsOf(outcome));
}

/** (c) Legacy columns are as they were; a NULL snapshot is filled with the linked workout's name, and only then. */
async function checkLegacyUntouched(db: TestDatabase, before: Awaited<ReturnType<typeof legacyColumns>>, expected: ExpectedOutcomes, links: Links) {
  const after = await legacyColumns(db.sql);
  expect(after.programs).toEqual(before.programs);
  expect(after.sets).toEqual(before.sets);
  const wrong: string[] = [];
  for (const [id, was] of before.sessions) {
    const now = after.sessions.get(id)!;
    if (now.legacy !== was.legacy) wrong.push(`session ${id}: ${was.legacy} became ${now.legacy}`);
    const link = links.sessions.get(id)!;
    const want = was.snapshot ?? (link.programVersionId === null ? null : link.workoutName);
    if (now.snapshot !== want) wrong.push(`session ${id}: snapshot ${JSON.stringify(was.snapshot)} became ${JSON.stringify(now.snapshot)}, expected ${JSON.stringify(want)}`);
    const e = expected.sessions.get(id)!;
    if (e.kind === 'linked' && e.fillSnapshot !== null && now.snapshot !== e.fillSnapshot) wrong.push(`session ${id}: snapshot not filled with ${e.fillSnapshot}`);
  }
  expect(wrong).toEqual([]);
}

/** Exactly one version 1 per readable program, holding what the legacy read shows — ids included. */
async function checkVersions(db: TestDatabase, corpus: Corpus, expected: ExpectedOutcomes) {
  const trees = await versionTrees(db.sql);
  const want = new Map<string, unknown[]>();
  for (const program of corpus.programs) {
    const content = expected.readablePrograms.get(program.id);
    if (content) want.set(program.id, [versionOne(program.name, content)]);
  }
  expect(Object.fromEntries(trees)).toEqual(Object.fromEntries(want));
}

function versionOne(name: string, content: ProgramContent) {
  return {
    number: 1,
    source: 'BACKFILL',
    name,
    hash: contentHash(name, content),
    parent: false,
    current: true,
    legacyJson: true,
    workouts: content.workouts.map((w, position) => ({
      id: w.id,
      position,
      name: w.name,
      exercises: w.exercises.map((e, i) => ({ id: e.id, position: i, name: e.name, notes: e.notes, sets: e.sets })),
    })),
    schedule: content.schedule.map((s, position) => ({ day: s.dayOfWeek, position, workout: content.workouts[s.workoutIndex]!.id })),
  };
}
