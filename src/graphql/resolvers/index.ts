import type { Resolvers } from '../generated/resolvers-types.js';
import { Mutation } from './mutation.js';
import { programResolvers } from './program.js';
import { Query } from './query.js';
import { DateScalar, DateTime } from './scalars.js';
import { sessionResolvers } from './session.js';

export const resolvers: Resolvers = {
  DateTime,
  Date: DateScalar,
  Query,
  Mutation,
  ...programResolvers,
  ...sessionResolvers,
};
