import { diffVersions } from '../../domain/diff-versions.js';
import { exposedContent } from '../../domain/exposed-ids.js';
import type { ProgramContent } from '../../domain/program.js';
import { isUuid } from '../../domain/uuid.js';
import { prescribedSets, scheduleModels, scheduleSnapshots, setPrescriptionId, workoutModels, workoutSnapshots } from '../../models/read-models.js';
import { versionChangesModel } from '../../reads/version-changes-model.js';
import { found, pageSizeArgument } from '../arguments.js';
import { requireCaller, type GraphQLContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';

const EMPTY_CONTENT: ProgramContent = { workouts: [], schedule: [] };

/** The models are shared between requests (see read-models.ts); the generated types ask for mutable lists, which execution only reads. */
const listed = <T>(items: readonly T[]): T[] => items as T[];

/** A `User`'s fields are readable by that user only; anyone else gets NOT_FOUND, as for any other user's data. */
function ownUser(id: string, ctx: GraphQLContext) {
  const caller = requireCaller(ctx);
  return found(caller.userId === id.toLowerCase() ? caller : null, 'User', id);
}

export const programResolvers: Resolvers = {
  User: {
    __resolveReference: (ref) => ({ id: ref.id }),
    activeProgram: (user, _, ctx) => ownUser(user.id, ctx).reads.activeProgram(),
    programs: (user, { first }, ctx) => ownUser(user.id, ctx).reads.programs(pageSizeArgument(first, 50)),
  },
  Program: {
    __resolveReference: (ref, ctx) => (isUuid(ref.id) ? requireCaller(ctx).reads.program(ref.id.toLowerCase()) : null),
    workouts: (program) => listed(workoutModels(program.id, program.content)),
    schedule: (program) => listed(scheduleModels(program.id, program.content)),
    currentVersion: (program, _, ctx) => (program.currentVersionId ? requireCaller(ctx).versions.version(program.currentVersionId) : null),
    versions: (program, { first }, ctx) => requireCaller(ctx).versions.versionsOf(program.id, pageSizeArgument(first, 50)),
  },
  ProgramVersion: {
    __resolveReference: (ref, ctx) => (isUuid(ref.id) ? requireCaller(ctx).versions.version(ref.id.toLowerCase()) : null),
    changes: async (version, _, ctx) => {
      const parent = version.parentId ? await requireCaller(ctx).versions.version(version.parentId) : null;
      // Diffed in exposed ids: the changes name items as the snapshots do.
      const exposed = (content: ProgramContent) => exposedContent(version.programId, content);
      const changes = diffVersions(exposed(parent?.content ?? EMPTY_CONTENT), exposed(version.content), parent?.name ?? '', version.name);
      return versionChangesModel(version.id, parent?.id ?? null, changes);
    },
    parent: (version, _, ctx) => (version.parentId ? requireCaller(ctx).versions.version(version.parentId) : null),
    program: async (version, _, ctx) => found(await requireCaller(ctx).reads.program(version.programId), 'Program', version.programId),
    workouts: (version) => listed(workoutSnapshots(version)),
    schedule: (version) => listed(scheduleSnapshots(version)),
  },
  Exercise: {
    sets: (exercise) => listed(prescribedSets(exercise.id, exercise.sets)),
    lastPerformance: (exercise, _, ctx) => requireCaller(ctx).reads.lastPerformance(exercise.id),
  },
  ExerciseSnapshot: {
    lastPerformance: (exercise, _, ctx) => requireCaller(ctx).reads.lastPerformance(exercise.exerciseId),
  },
  SetPrescription: {
    id: setPrescriptionId,
  },
};
