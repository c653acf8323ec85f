import { storedId } from '../../domain/exposed-ids.js';
import { uuidArgument } from '../arguments.js';
import { requireCaller } from '../context.js';
import { programInputInStoredIds } from '../exposed-id-arguments.js';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import { loggedSetOf, programEditOf } from '../program-input.js';

/** Each mutation: check ids (workout and exercise ids mapped back to stored ones; logSet's in the writer, which knows the session's program), convert inputs to domain values, hand over to the caller's writer, forget what this request had cached. */
export const Mutation: MutationResolvers = {
  createProgram: (_, { input }, ctx) => written(ctx, (c) => c.programs.createProgram(programEditOf(input))),
  modifyProgram: (_, { id, input, source, expectedVersion, expectedRevision }, ctx) => {
    const programId = uuidArgument('program', 'id', id);
    return written(ctx, (c) =>
      c.programs.modifyProgram(programId, programEditOf(programInputInStoredIds(programId, input)), source ?? 'USER', { version: expectedVersion, revision: expectedRevision }),
    );
  },
  revertProgram: (_, { id, toVersion }, ctx) => written(ctx, (c) => c.programs.revertProgram(uuidArgument('program', 'id', id), toVersion)),
  deleteWorkout: (_, { programId, workoutId }, ctx) => {
    const program = uuidArgument('program', 'programId', programId);
    return written(ctx, (c) => c.programs.deleteWorkout(program, storedId(program, workoutId)));
  },
  activateProgram: (_, { id }, ctx) => written(ctx, (c) => c.programs.activateProgram(uuidArgument('program', 'id', id))),
  startSession: (_, { programId, workoutId, startedAt }, ctx) => {
    const program = uuidArgument('program', 'programId', programId);
    return written(ctx, (c) => c.sessions.startSession(program, storedId(program, workoutId), startedAt ?? null));
  },
  logSet: (_, { sessionId, input }, ctx) => written(ctx, (c) => c.sessions.logSet(uuidArgument('session', 'sessionId', sessionId), loggedSetOf(input))),
  completeSession: (_, { sessionId, completedAt }, ctx) =>
    written(ctx, (c) => c.sessions.completeSession(uuidArgument('session', 'sessionId', sessionId), completedAt ?? null)),
};

async function written<T>(ctx: Parameters<typeof requireCaller>[0], write: (caller: ReturnType<typeof requireCaller>) => Promise<T>): Promise<T> {
  const caller = requireCaller(ctx);
  const result = await write(caller);
  caller.reads.forget();
  caller.versions.forget();
  return result;
}
