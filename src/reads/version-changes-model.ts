import type { VersionChanges } from '../domain/diff-versions.js';
import { exerciseSnapshotId, prescribedSets, type VersionChangesModel } from '../models/read-models.js';

/**
 * `changes` (parent → version) with an id on every record, scoped to the
 * version: a record about one workout or exercise is `<version id>/<its stable
 * id>` (an item is added, removed, renamed or moved at most once per version);
 * the program's rename and the schedule change are the version's own id.
 */
export function versionChangesModel(versionId: string, parentId: string | null, changes: VersionChanges): VersionChangesModel {
  const scoped = (itemId: string) => `${versionId}/${itemId}`;
  const byWorkout = <T extends { workoutId: string }>(records: readonly T[]) => records.map((r) => ({ ...r, id: scoped(r.workoutId) }));
  const byExercise = <T extends { exerciseId: string }>(records: readonly T[]) => records.map((r) => ({ ...r, id: scoped(r.exerciseId) }));
  const schedule = changes.scheduleChanged;
  return {
    id: versionId,
    unchanged: changes.unchanged,
    renamed: changes.renamed && { ...changes.renamed, id: versionId },
    workoutsAdded: byWorkout(changes.workoutsAdded),
    workoutsRemoved: byWorkout(changes.workoutsRemoved),
    workoutsRenamed: byWorkout(changes.workoutsRenamed),
    workoutsMoved: byWorkout(changes.workoutsMoved),
    exercisesAdded: byExercise(changes.exercisesAdded),
    exercisesRemoved: byExercise(changes.exercisesRemoved),
    exercisesRenamed: byExercise(changes.exercisesRenamed),
    exercisesMoved: byExercise(changes.exercisesMoved),
    notesChanged: byExercise(changes.notesChanged),
    // Sets before are the parent's snapshot's, sets after this version's: the same objects, ids and values as there.
    setsChanged: changes.setsChanged.map((c) => ({
      id: scoped(c.exerciseId),
      exerciseId: c.exerciseId,
      before: parentId ? prescribedSets(exerciseSnapshotId(parentId, c.exerciseId), c.before) : [],
      after: prescribedSets(exerciseSnapshotId(versionId, c.exerciseId), c.after),
    })),
    scheduleChanged: schedule && {
      id: versionId,
      before: schedule.before.map((e, i) => ({ ...e, id: scoped(`before/${i}`) })),
      after: schedule.after.map((e, i) => ({ ...e, id: scoped(`after/${i}`) })),
    },
  };
}
