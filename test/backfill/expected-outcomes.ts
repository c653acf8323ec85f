import { readLegacyBlob } from '../../src/domain/legacy-blob.js';
import { normaliseName } from '../../src/domain/normalise-name.js';
import type { ProgramContent, Workout } from '../../src/domain/program.js';
import type { Corpus } from './corpus.js';

/*
 * What the backfill must do with a corpus, written out from the rules of
 * docs/legacy-data.md, the runbook's report and the order of evidence in history-match.ts (stable id, then
 * a unique normalised name, then — for a session with neither — the logged
 * exercise names when they fit exactly one workout; ambiguity is never
 * guessed). It reuses only the blob reader, whose ids both read paths show:
 * an id counts when reads show it. The matching itself is restated
 * independently, so the end-to-end test checks that the runner links each row
 * to the RIGHT row. (Ids a blob repeats are replaced by derived ids when read,
 * so they identify nothing; corpora never repeat an id only on an item the
 * reader drops — see backfill-links-ids-repeated-only-by-dropped-items.test.ts.)
 */

export type Expected =
  | { readonly kind: 'linked'; readonly byName: boolean; readonly workoutId: string; readonly fillSnapshot: string | null }
  | { readonly kind: 'unmatched'; readonly reason: string };

export type ExpectedSet = { readonly kind: 'linked'; readonly byName: boolean; readonly exerciseId: string } | { readonly kind: 'unmatched'; readonly reason: string };

export interface ExpectedOutcomes {
  readonly readablePrograms: ReadonlyMap<string, ProgramContent>;
  readonly unreadablePrograms: ReadonlySet<string>;
  readonly sessions: ReadonlyMap<string, Expected>;
  readonly sets: ReadonlyMap<string, ExpectedSet>;
}

export function expectedOutcomes(corpus: Corpus): ExpectedOutcomes {
  const readablePrograms = new Map<string, ProgramContent>();
  const unreadablePrograms = new Set<string>();
  for (const program of corpus.programs) {
    const read = readLegacyBlob(program.id, program.blob);
    if (read.ok) readablePrograms.set(program.id, read.content);
    else unreadablePrograms.add(program.id);
  }
  const setsOf = new Map<string, Corpus['sets'][number][]>();
  for (const set of corpus.sets) setsOf.set(set.sessionId, [...(setsOf.get(set.sessionId) ?? []), set]);

  const sessions = new Map<string, Expected>();
  const sets = new Map<string, ExpectedSet>();
  for (const session of corpus.sessions) {
    const own = setsOf.get(session.id) ?? [];
    const content = session.programId ? readablePrograms.get(session.programId) : undefined;
    let outcome: Expected;
    if (session.programId === null) outcome = { kind: 'unmatched', reason: 'NO_PROGRAM' };
    else if (!content) outcome = { kind: 'unmatched', reason: 'PROGRAM_UNREADABLE' };
    else outcome = expectedWorkout(session, own.map((s) => s.exerciseName), content);
    sessions.set(session.id, outcome);

    const workout = outcome.kind === 'linked' ? content!.workouts.find((w) => w.id === outcome.workoutId) : undefined;
    for (const set of own) {
      sets.set(set.id, outcome.kind === 'unmatched' ? { kind: 'unmatched', reason: 'SESSION_UNMATCHED' } : expectedExercise(set, workout!, content!));
    }
  }
  return { readablePrograms, unreadablePrograms, sessions, sets };
}

function expectedWorkout(
  session: Corpus['sessions'][number],
  loggedNames: readonly string[],
  content: ProgramContent,
): Expected {
  const linked = (w: Workout, byName: boolean): Expected => ({
    kind: 'linked',
    byName,
    workoutId: w.id,
    fillSnapshot: session.workoutNameSnapshot === null ? w.name : null,
  });
  const byId = session.workoutId === null ? undefined : content.workouts.find((w) => w.id === session.workoutId);
  if (byId) return linked(byId, false);
  if (session.workoutNameSnapshot !== null) {
    const named = content.workouts.filter((w) => normaliseName(w.name) === normaliseName(session.workoutNameSnapshot!));
    if (named.length === 1) return linked(named[0]!, true);
    if (named.length > 1) return { kind: 'unmatched', reason: 'AMBIGUOUS_WORKOUT' };
  } else if (loggedNames.length > 0) {
    const logged = new Set(loggedNames.map(normaliseName));
    const fitting = content.workouts.filter((w) => {
      const names = new Set(w.exercises.map((e) => normaliseName(e.name)));
      return [...logged].every((n) => names.has(n));
    });
    if (fitting.length === 1) return linked(fitting[0]!, true);
    if (fitting.length > 1) return { kind: 'unmatched', reason: 'AMBIGUOUS_WORKOUT' };
  }
  return { kind: 'unmatched', reason: session.workoutId === null ? 'NO_WORKOUT_EVIDENCE' : 'WORKOUT_NOT_IN_PROGRAM' };
}

function expectedExercise(set: Corpus['sets'][number], workout: Workout, content: ProgramContent): ExpectedSet {
  const all = content.workouts.flatMap((w) => w.exercises);
  if (set.exerciseId !== null && all.some((e) => e.id === set.exerciseId)) {
    return { kind: 'linked', byName: false, exerciseId: set.exerciseId };
  }
  const name = normaliseName(set.exerciseName);
  // The session's own workout first; the whole program only when the workout has no exercise of that name.
  for (const candidates of [workout.exercises, all]) {
    const named = candidates.filter((e) => normaliseName(e.name) === name);
    if (named.length === 1) return { kind: 'linked', byName: true, exerciseId: named[0]!.id };
    if (named.length > 1) return { kind: 'unmatched', reason: 'AMBIGUOUS_EXERCISE' };
  }
  return { kind: 'unmatched', reason: set.exerciseId === null ? 'NO_EXERCISE_EVIDENCE' : 'EXERCISE_NOT_IN_PROGRAM' };
}

/** The report's counts the expected outcomes add up to. */
export function expectedCounts(expected: ExpectedOutcomes) {
  const tally = (outcomes: Iterable<{ kind: string; byName?: boolean }>) => {
    const counts = { total: 0, linked: 0, linkedByName: 0, unmatched: 0 };
    for (const o of outcomes) {
      counts.total += 1;
      if (o.kind === 'unmatched') counts.unmatched += 1;
      else if (o.byName) counts.linkedByName += 1;
      else counts.linked += 1;
    }
    return counts;
  };
  return {
    programs: {
      total: expected.readablePrograms.size + expected.unreadablePrograms.size,
      versioned: expected.readablePrograms.size,
      alreadyVersioned: 0,
      unreadable: expected.unreadablePrograms.size,
    },
    sessions: tally(expected.sessions.values()),
    sets: tally(expected.sets.values()),
  };
}
