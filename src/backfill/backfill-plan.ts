import type { ProgramRow, SessionRow, SetRow } from '../db/rows.js';
import { duplicatedRawIds, matchSession, type MatchTarget, type VersionIndex } from '../domain/backfill/history-match.js';
import { readLegacyBlob } from '../domain/legacy-blob.js';
import { contentHash } from '../versions/content-hash.js';
import type { NewVersion } from '../versions/version-store.js';
import { emptyCounts, type BackfillCounts, type UnmatchedItem } from './backfill-report.js';

/**
 * What one backfill batch does, decided without I/O: the runner fetches rows,
 * asks the planner, and writes what it says (or, in a dry run, only counts it).
 */

export interface ProgramPlan {
  readonly counts: BackfillCounts;
  readonly versions: NewVersion[];
  readonly items: UnmatchedItem[];
}

/** Version 1 for every readable program without a version; unreadable ones are reported. */
export function planPrograms(rows: readonly ProgramRow[]): ProgramPlan {
  const counts = emptyCounts();
  const versions: NewVersion[] = [];
  const items: UnmatchedItem[] = [];
  for (const row of rows) {
    counts.programs.total += 1;
    if (row.current_version_id !== null) {
      counts.programs.alreadyVersioned += 1;
      continue;
    }
    const read = readLegacyBlob(row.id, row.program_json);
    if (!read.ok) {
      counts.programs.unreadable += 1;
      items.push({ kind: 'program', id: row.id, reason: 'UNREADABLE_BLOB', detail: read.issues.map((i) => `${i.path || '(blob)'}: ${i.message}`).join('; ').slice(0, 500) });
      continue;
    }
    counts.programs.versioned += 1;
    versions.push({
      programId: row.id,
      userId: row.user_id,
      number: 1,
      parentId: null,
      source: 'BACKFILL',
      name: row.name,
      contentHash: contentHash(row.name, read.content),
      content: read.content,
    });
  }
  return { counts, versions, items };
}

export interface SetWithVersion extends SetRow {
  readonly exercise_version_id: string | null;
}

export interface HistoryPlan {
  readonly counts: BackfillCounts;
  readonly sessionLinks: { id: string; programVersionId: string; workoutVersionId: string; fillSnapshot: string | null }[];
  readonly setLinks: { id: string; exerciseVersionId: string }[];
  readonly items: UnmatchedItem[];
}

/** What each session of a batch matches: its program's version for that time, or why there is none. */
export type TargetOf = (session: SessionRow) => MatchTarget;

export function planHistory(sessions: readonly SessionRow[], sets: readonly SetWithVersion[], targetOf: TargetOf): HistoryPlan {
  const counts = emptyCounts();
  const plan: HistoryPlan = { counts, sessionLinks: [], setLinks: [], items: [] };
  const setsBySession = new Map<string, SetWithVersion[]>();
  for (const set of sets) setsBySession.set(set.session_id, [...(setsBySession.get(set.session_id) ?? []), set]);
  for (const session of sessions) {
    const own = setsBySession.get(session.id) ?? [];
    const match = matchSession(
      {
        id: session.id,
        programId: session.program_id,
        workoutId: session.workout_id,
        workoutNameSnapshot: session.workout_name_snapshot,
        programVersionId: session.program_version_id,
        workoutVersionId: session.workout_version_id,
        sets: own.map((s) => ({ id: s.id, exerciseId: s.exercise_id, exerciseName: s.exercise_name, exerciseVersionId: s.exercise_version_id })),
      },
      targetOf(session),
    );
    counts.sessions.total += 1;
    const outcome = match.session;
    if (outcome.kind === 'unmatched') {
      counts.sessions.unmatched += 1;
      plan.items.push({ kind: 'session', id: session.id, reason: outcome.reason, detail: outcome.detail });
    } else {
      const byName = outcome.evidence === 'name' || outcome.evidence === 'exercise-names';
      counts.sessions[byName ? 'linkedByName' : 'linked'] += 1;
      counts.evidence.sessions[outcome.evidence === 'exercise-names' ? 'exerciseNames' : outcome.evidence] += 1;
      if (outcome.evidence !== 'already') plan.sessionLinks.push({ id: session.id, ...outcome });
    }
    match.sets.forEach((setOutcome, i) => {
      const set = own[i]!;
      counts.sets.total += 1;
      if (setOutcome.kind === 'unmatched') {
        counts.sets.unmatched += 1;
        plan.items.push({ kind: 'set', id: set.id, reason: setOutcome.reason, detail: setOutcome.detail });
        return;
      }
      counts.sets[setOutcome.evidence === 'name' ? 'linkedByName' : 'linked'] += 1;
      counts.evidence.sets[setOutcome.evidence === 'exercise-names' ? 'name' : setOutcome.evidence] += 1;
      if (setOutcome.evidence !== 'already') plan.setLinks.push({ id: set.id, exerciseVersionId: setOutcome.exerciseVersionId });
    });
  }
  return plan;
}

/** The match target for sessions of one program, given the version chosen for them. */
export function versionTarget(program: ProgramRow, version: VersionIndex): MatchTarget {
  const duplicated = duplicatedRawIds(program.program_json);
  return { kind: 'version', version, ambiguousWorkoutIds: duplicated.workouts, ambiguousExerciseIds: duplicated.exercises };
}
