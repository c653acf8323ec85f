import { parseExposedId, storedId } from '../domain/exposed-ids.js';
import { AppError } from '../errors.js';
import type { ProgramInput } from './generated/resolvers-types.js';

/*
 * Workout and exercise ids in inputs are the exposed ids (`Workout.id`,
 * `Exercise.id`): mapped back here, at the boundary, to the ids stored rows
 * and history hold. Where the input names its program (`programId`, the
 * program edited) the unqualified stored id is accepted too: it is not
 * ambiguous there.
 */

/** A program's input with its workout and exercise ids mapped back to stored ids (unknown ids stay unknown). */
export function programInputInStoredIds(programId: string, input: ProgramInput): ProgramInput {
  const back = (id: string | null | undefined) => (id === null || id === undefined ? id : storedId(programId, id));
  return {
    ...input,
    workouts: input.workouts.map((w) => ({ ...w, id: back(w.id), exercises: w.exercises.map((e) => ({ ...e, id: back(e.id) })) })),
  };
}

/**
 * Exercise ids sent without a program (`lastPerformance`): each must be an id
 * the server exposes. An unqualified legacy id (`"1"`) could be any program's
 * and is refused, every such id listed, with the form to send instead.
 */
export function exerciseIdsArgument(ids: readonly string[]): readonly string[] {
  const violations = ids.flatMap((id, i) =>
    parseExposedId(id)
      ? []
      : [{ path: `exerciseIds.${i}`, code: 'UNQUALIFIED_ID', message: `${JSON.stringify(id)} is not an exercise id this API gives: send Exercise.id, e.g. "<program id>:${id}"` }],
  );
  if (violations.length > 0) throw AppError.invalid('exercise ids', violations);
  return ids;
}
