import { isUuid } from '../../domain/uuid.js';
import { encodeSessionCursor } from '../session-cursor.js';
import { requireCaller } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';

export const sessionResolvers: Resolvers = {
  Session: {
    __resolveReference: (ref, ctx) => (isUuid(ref.id) ? requireCaller(ctx).reads.session(ref.id.toLowerCase()) : null),
    workoutName: (session, _, ctx) => requireCaller(ctx).reads.sessionWorkoutName(session),
    workout: (session, _, ctx) => requireCaller(ctx).reads.sessionWorkout(session),
    programVersion: (session, _, ctx) => (session.programVersionId ? requireCaller(ctx).versions.version(session.programVersionId) : null),
    sets: (session, _, ctx) => requireCaller(ctx).reads.sessionSets(session),
  },
  SessionConnection: {
    edges: (page) => page.sessions.map((node) => ({ cursor: encodeSessionCursor(node), node })),
    pageInfo: (page) => {
      const last = page.sessions.at(-1);
      return { hasNextPage: page.hasNextPage, endCursor: last ? encodeSessionCursor(last) : null };
    },
  },
  ExercisePerformance: {
    id: (performance) => `${performance.session.id}/${performance.exerciseId}`,
    performedAt: (performance) => performance.session.startedAt,
  },
};
