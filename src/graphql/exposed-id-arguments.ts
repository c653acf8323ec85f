import { storedId } from '../domain/exposed-ids.js';
import type { ProgramInput } from './generated/resolvers-types.js';

/*
 * Workout and exercise ids in inputs are the exposed ids (`Workout.id`,
 * `Exercise.id`): mapped back here, at the boundary, to the ids stored rows
 * and history hold. Where the input names its program (`programId`, the
 * program edited) the unqualified stored id is accepted too: it is not
 * ambiguous there. `lastPerformance` names no program: the read path maps its
 * ids back (`parseExposedId`).
 */

/** A program's input with its workout and exercise ids mapped back to stored ids (unknown ids stay unknown). */
export function programInputInStoredIds(programId: string, input: ProgramInput): ProgramInput {
  const back = (id: string | null | undefined) => (id === null || id === undefined ? id : storedId(programId, id));
  return {
    ...input,
    workouts: input.workouts.map((w) => ({ ...w, id: back(w.id), exercises: w.exercises.map((e) => ({ ...e, id: back(e.id) })) })),
  };
}

