import type { ProgramRow, SessionRow } from '../db/rows.js';
import { duplicatedRawIds, matchSession, type MatchTarget, type VersionIndex } from '../domain/backfill/history-match.js';
import { readLegacyBlob } from '../domain/legacy-blob.js';
import { blobSync } from '../store/blob-sync.js';
import { contentHash } from '../domain/content-hash.js';
import type { NewVersion } from '../store/version-store.js';
import { emptyCounts, type BackfillCounts, type UnmatchedItem } from './backfill-report.js';

/**
 * What one backfill batch does, decided without I/O: the runner fetches rows,
 * asks the planner, and writes what it says (or, in a dry run, only counts it).
 */

export interface ProgramPlan {
  readonly counts: BackfillCounts;
  readonly versions: NewVersion[];
  /** Programs whose blob already equals their current version: only the blob's version pointer is set. */
  readonly repoint: { programId: string; versionId: string }[];
  readonly items: UnmatchedItem[];
}

/** The current version's number and hash, for programs that have one. */
export type CurrentHeads = ReadonlyMap<string, { readonly number: number; readonly contentHash: string }>;

/**
 * Version 1 for every readable program without a version, and a catch-up
 * version for every program whose blob was written after its last version
 * (versioned writes were off for a while); unreadable ones are reported.
 */
export function planPrograms(rows: readonly ProgramRow[], heads: CurrentHeads = new Map()): ProgramPlan {
  const counts = emptyCounts();
  const plan: ProgramPlan = { counts, versions: [], repoint: [], items: [] };
  for (const row of rows) {
    counts.programs.total += 1;
    const sync = blobSync(row);
    if (sync === 'in-sync' || sync === 'version-newer') {
      counts.programs.alreadyVersioned += 1;
      continue;
    }
    const read = readLegacyBlob(row.id, row.program_json);
    if (!read.ok) {
      counts.programs.unreadable += 1;
      plan.items.push({ kind: 'program', id: row.id, reason: 'UNREADABLE_BLOB', detail: read.issues.map((i) => `${i.path || '(blob)'}: ${i.message}`).join('; ').slice(0, 500) });
      continue;
    }
    const hash = contentHash(row.name, read.content);
    const head = row.current_version_id ? heads.get(row.current_version_id) : undefined;
    if (sync === 'blob-newer' && head?.contentHash === hash) {
      counts.programs.alreadyVersioned += 1;
      plan.repoint.push({ programId: row.id, versionId: row.current_version_id! });
      continue;
    }
    counts.programs.versioned += 1;
    plan.versions.push({
      programId: row.id,
      userId: row.user_id,
      number: (head?.number ?? 0) + 1,
      parentId: row.current_version_id,
      source: 'BACKFILL',
      name: row.name,
      contentHash: hash,
      content: read.content,
    });
  }
  return plan;
}

/** What matching reads of a logged set. */
export interface SetWithVersion {
  readonly id: string;
  readonly session_id: string;
  readonly exercise_id: string | null;
  readonly exercise_name: string;
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
  for (const set of sets) {
    const own = setsBySession.get(set.session_id);
    if (own) own.push(set);
    else setsBySession.set(set.session_id, [set]);
  }
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

/**
 * The match target for sessions of one program, given the version chosen for
 * them. A raw id the blob repeats identifies nothing — unless the reader kept
 * it (the other holders were unreadable and dropped), in which case reads show
 * it and history may match it.
 */
export function versionTarget(program: ProgramRow, version: VersionIndex): MatchTarget {
  const duplicated = duplicatedRawIds(program.program_json);
  const workoutIds = new Set(version.content.workouts.map((w) => w.id));
  const exerciseIds = new Set(version.content.workouts.flatMap((w) => w.exercises.map((e) => e.id)));
  return {
    kind: 'version',
    version,
    ambiguousWorkoutIds: new Set([...duplicated.workouts].filter((id) => !workoutIds.has(id))),
    ambiguousExerciseIds: new Set([...duplicated.exercises].filter((id) => !exerciseIds.has(id))),
  };
}
