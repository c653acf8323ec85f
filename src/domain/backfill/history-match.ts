import { z } from 'zod';
import { normaliseName } from '../normalise-name.js';
import type { Exercise, Workout } from '../program.js';

/**
 * Pure matching of logged history onto a program version, for the Phase 3
 * backfill. Order of evidence: stable id; then name (normalised: case,
 * whitespace, unicode) where exactly one candidate has it; then, for a session
 * with neither, the logged exercise names when they fit exactly one workout.
 * Ambiguity is never guessed: it is an unmatched outcome with a reason.
 */

/** What matching reads of a version's content: workouts and exercises, their ids and names (a `ProgramContent` is one). */
export interface MatchContent {
  readonly workouts: readonly MatchWorkout[];
}

export interface MatchWorkout extends Pick<Workout, 'id' | 'name'> {
  readonly exercises: readonly MatchExercise[];
}

export type MatchExercise = Pick<Exercise, 'id' | 'name'>;

/** A version's content with the row ids history rows reference. */
export interface VersionIndex {
  readonly versionId: string;
  readonly content: MatchContent;
  /** stable workout id → workout version row id */
  readonly workoutRowIds: ReadonlyMap<string, string>;
  /** stable exercise id → exercise version row id */
  readonly exerciseRowIds: ReadonlyMap<string, string>;
}

export interface SetToMatch {
  readonly id: string;
  readonly exerciseId: string | null;
  readonly exerciseName: string;
  readonly exerciseVersionId: string | null;
}

export interface SessionToMatch {
  readonly id: string;
  readonly programId: string | null;
  readonly workoutId: string | null;
  readonly workoutNameSnapshot: string | null;
  readonly programVersionId: string | null;
  readonly workoutVersionId: string | null;
  readonly sets: readonly SetToMatch[];
}

/** What the session's program offers to match against. */
export type MatchTarget =
  | { readonly kind: 'no-program' }
  | { readonly kind: 'unreadable'; readonly detail: string }
  | {
      readonly kind: 'version';
      readonly version: VersionIndex;
      /** Ids the raw blob used for several workouts: they identify none. */
      readonly ambiguousWorkoutIds: ReadonlySet<string>;
      readonly ambiguousExerciseIds: ReadonlySet<string>;
    };

export type SessionReason =
  | 'NO_PROGRAM'
  | 'PROGRAM_UNREADABLE'
  | 'WORKOUT_NOT_IN_PROGRAM'
  | 'AMBIGUOUS_WORKOUT'
  | 'NO_WORKOUT_EVIDENCE';

export type SetReason = 'SESSION_UNMATCHED' | 'EXERCISE_NOT_IN_PROGRAM' | 'AMBIGUOUS_EXERCISE' | 'NO_EXERCISE_EVIDENCE';

export type Evidence = 'already' | 'id' | 'name' | 'exercise-names';

export type SessionOutcome =
  | {
      readonly kind: 'linked';
      readonly evidence: Evidence;
      readonly programVersionId: string;
      readonly workoutVersionId: string;
      /** Set when the row has no snapshot yet: the matched workout's name. */
      readonly fillSnapshot: string | null;
    }
  | { readonly kind: 'unmatched'; readonly reason: SessionReason; readonly detail: string };

export type SetOutcome =
  | { readonly kind: 'linked'; readonly evidence: Evidence; readonly exerciseVersionId: string }
  | { readonly kind: 'unmatched'; readonly reason: SetReason; readonly detail: string };

export interface SessionMatch {
  readonly session: SessionOutcome;
  /** One outcome per set, in input order. */
  readonly sets: readonly SetOutcome[];
}

export function matchSession(session: SessionToMatch, target: MatchTarget): SessionMatch {
  const outcome = matchWorkout(session, target);
  if (outcome.kind === 'unmatched' || target.kind !== 'version') {
    const detail = outcome.kind === 'unmatched' ? `session ${session.id} unmatched: ${outcome.reason}` : '';
    return {
      session: outcome,
      sets: session.sets.map((s) =>
        s.exerciseVersionId ? { kind: 'linked', evidence: 'already', exerciseVersionId: s.exerciseVersionId } : { kind: 'unmatched', reason: 'SESSION_UNMATCHED', detail },
      ),
    };
  }
  const workoutId = workoutIdOfRow(target.version, outcome.workoutVersionId);
  const workout = target.version.content.workouts.find((w) => w.id === workoutId);
  return { session: outcome, sets: session.sets.map((s) => matchSet(s, workout, target)) };
}

function matchWorkout(session: SessionToMatch, target: MatchTarget): SessionOutcome {
  if (session.programVersionId && session.workoutVersionId) {
    return { kind: 'linked', evidence: 'already', programVersionId: session.programVersionId, workoutVersionId: session.workoutVersionId, fillSnapshot: null };
  }
  if (target.kind === 'no-program') return { kind: 'unmatched', reason: 'NO_PROGRAM', detail: 'the session belongs to no program (free workout)' };
  if (target.kind === 'unreadable') return { kind: 'unmatched', reason: 'PROGRAM_UNREADABLE', detail: target.detail };
  const { version } = target;
  const workouts = version.content.workouts;
  const linked = (workout: MatchWorkout, evidence: Evidence): SessionOutcome => ({
    kind: 'linked',
    evidence,
    programVersionId: version.versionId,
    workoutVersionId: version.workoutRowIds.get(workout.id)!,
    fillSnapshot: session.workoutNameSnapshot === null ? workout.name : null,
  });

  const byId = session.workoutId !== null && !target.ambiguousWorkoutIds.has(session.workoutId) ? workouts.find((w) => w.id === session.workoutId) : undefined;
  if (byId) return linked(byId, 'id');

  if (session.workoutNameSnapshot !== null) {
    const named = workouts.filter((w) => normaliseName(w.name) === normaliseName(session.workoutNameSnapshot!));
    if (named.length === 1) return linked(named[0]!, 'name');
    if (named.length > 1) {
      return { kind: 'unmatched', reason: 'AMBIGUOUS_WORKOUT', detail: `${named.length} workouts are named ${JSON.stringify(session.workoutNameSnapshot)}` };
    }
  }

  const logged = new Set(session.sets.map((s) => normaliseName(s.exerciseName)));
  if (session.workoutNameSnapshot === null && logged.size > 0) {
    const fitting = workouts.filter((w) => {
      const names = new Set(w.exercises.map((e) => normaliseName(e.name)));
      return [...logged].every((n) => names.has(n));
    });
    if (fitting.length === 1) return linked(fitting[0]!, 'exercise-names');
    if (fitting.length > 1) {
      return { kind: 'unmatched', reason: 'AMBIGUOUS_WORKOUT', detail: `the logged exercises fit ${fitting.length} workouts` };
    }
  }

  if (session.workoutId !== null) {
    const why = target.ambiguousWorkoutIds.has(session.workoutId) ? 'was used by several workouts of the blob' : 'is no longer in the program';
    return { kind: 'unmatched', reason: 'WORKOUT_NOT_IN_PROGRAM', detail: `workout ${JSON.stringify(session.workoutId)} ${why}` };
  }
  const snapshot = session.workoutNameSnapshot === null ? 'no name snapshot' : `no workout named ${JSON.stringify(session.workoutNameSnapshot)}`;
  return { kind: 'unmatched', reason: 'NO_WORKOUT_EVIDENCE', detail: `no workout id, ${snapshot}, and the logged exercises fit no single workout` };
}

function matchSet(set: SetToMatch, workout: MatchWorkout | undefined, target: Extract<MatchTarget, { kind: 'version' }>): SetOutcome {
  if (set.exerciseVersionId) return { kind: 'linked', evidence: 'already', exerciseVersionId: set.exerciseVersionId };
  const { version } = target;
  const rowOf = (e: MatchExercise) => version.exerciseRowIds.get(e.id)!;
  if (set.exerciseId !== null && !target.ambiguousExerciseIds.has(set.exerciseId)) {
    const rowId = version.exerciseRowIds.get(set.exerciseId);
    if (rowId) return { kind: 'linked', evidence: 'id', exerciseVersionId: rowId };
  }
  const name = normaliseName(set.exerciseName);
  const all = version.content.workouts.flatMap((w) => w.exercises);
  // The session's own workout first; the whole program only when the workout has none of that name.
  for (const candidates of [workout?.exercises ?? [], all]) {
    const named = candidates.filter((e) => normaliseName(e.name) === name);
    if (named.length === 1) return { kind: 'linked', evidence: 'name', exerciseVersionId: rowOf(named[0]!) };
    if (named.length > 1) {
      return { kind: 'unmatched', reason: 'AMBIGUOUS_EXERCISE', detail: `${named.length} exercises are named ${JSON.stringify(set.exerciseName)}` };
    }
  }
  if (set.exerciseId !== null) {
    return { kind: 'unmatched', reason: 'EXERCISE_NOT_IN_PROGRAM', detail: `exercise ${JSON.stringify(set.exerciseId)} (${JSON.stringify(set.exerciseName)}) is not in the program` };
  }
  return { kind: 'unmatched', reason: 'NO_EXERCISE_EVIDENCE', detail: `no exercise id, and no exercise is named ${JSON.stringify(set.exerciseName)}` };
}

function workoutIdOfRow(version: VersionIndex, rowId: string): string | undefined {
  for (const [stableId, id] of version.workoutRowIds) if (id === rowId) return stableId;
  return undefined;
}

const rawId = z.union([z.string(), z.number().transform(String)]).optional().catch(undefined);
const rawIds = z.object({
  workouts: z.array(
    z
      .object({ id: rawId, exercises: z.array(z.object({ id: rawId }).catch({ id: undefined })).catch([]) })
      .catch({ id: undefined, exercises: [] }),
  ),
});

/** Raw ids a blob gives to more than one workout / exercise (they identify none of them). */
export function duplicatedRawIds(blob: unknown): { workouts: Set<string>; exercises: Set<string> } {
  const parsed = rawIds.safeParse(blob);
  if (!parsed.success) return { workouts: new Set(), exercises: new Set() };
  const workouts = parsed.data.workouts;
  return {
    workouts: repeated(workouts.map((w) => w.id)),
    exercises: repeated(workouts.flatMap((w) => w.exercises.map((e) => e.id))),
  };
}

function repeated(ids: readonly (string | undefined)[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) {
    if (id === undefined) continue;
    if (seen.has(id)) twice.add(id);
    seen.add(id);
  }
  return twice;
}
