import { isUuid } from '../../domain/uuid.js';
import { scheduleModels, workoutModels } from '../../reads/models.js';
import { found } from '../arguments.js';
import { requireCaller, type GraphQLContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** A `User`'s fields are readable by that user only; anyone else gets NOT_FOUND, as for any other user's data. */
function ownUser(id: string, ctx: GraphQLContext) {
  const caller = requireCaller(ctx);
  return found(caller.userId === id.toLowerCase() ? caller : null, 'User', id);
}

export const programResolvers: Resolvers = {
  User: {
    __resolveReference: (ref) => ({ id: ref.id }),
    activeProgram: (user, _, ctx) => ownUser(user.id, ctx).reads.activeProgram(),
    programs: (user, _, ctx) => ownUser(user.id, ctx).reads.programs(),
  },
  Program: {
    __resolveReference: (ref, ctx) => (isUuid(ref.id) ? requireCaller(ctx).reads.program(ref.id.toLowerCase()) : null),
    workouts: (program) => workoutModels(program.id, program.content),
    schedule: (program) => scheduleModels(program.id, program.content),
    currentVersion: () => null,
    versions: () => [],
  },
  ProgramVersion: {
    // Version rows arrive with Phase 2; until then no version id resolves.
    __resolveReference: () => null,
    program: async (version, _, ctx) => found(await requireCaller(ctx).reads.program(version.programId), 'Program', version.programId),
    workouts: (version) => workoutModels(version.programId, version.content),
    schedule: (version) => scheduleModels(version.programId, version.content),
  },
  Exercise: {
    lastPerformance: (exercise, _, ctx) => requireCaller(ctx).reads.lastPerformance(exercise.id),
  },
};
