import { addDays, MAX_CALENDAR_DAYS, parseDate } from '../../domain/calendar.js';
import { AppError } from '../../errors.js';
import { decodeSessionCursor } from '../session-cursor.js';
import { found, pageSizeArgument, uuidArgument } from '../arguments.js';
import { requireCaller } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers-types.js';

export const MAX_LAST_PERFORMANCE_IDS = 200;

export const Query: QueryResolvers = {
  program: async (_, { id }, ctx) => found(await requireCaller(ctx).reads.program(uuidArgument('program', 'id', id)), 'Program', id),
  activeProgram: (_, __, ctx) => requireCaller(ctx).reads.activeProgram(),
  programs: (_, { first }, ctx) => requireCaller(ctx).reads.programs(pageSizeArgument(first, 50)),
  session: async (_, { id }, ctx) => found(await requireCaller(ctx).reads.session(uuidArgument('session', 'id', id)), 'Session', id),
  sessions: (_, { first, after }, ctx) => {
    const caller = requireCaller(ctx);
    const size = pageSizeArgument(first, 20);
    const cursor = after ? decodeSessionCursor(after) : null;
    if (after && !cursor) throw AppError.invalid('page', [{ path: 'after', code: 'MALFORMED_CURSOR', message: 'not a cursor this API issued' }]);
    return caller.reads.sessions(size, cursor);
  },
  lastPerformance: (_, { exerciseIds }, ctx) => {
    const caller = requireCaller(ctx);
    if (exerciseIds.length > MAX_LAST_PERFORMANCE_IDS) {
      throw AppError.invalid('request', [
        { path: 'exerciseIds', code: 'TOO_MANY', message: `at most ${MAX_LAST_PERFORMANCE_IDS} exercise ids per call` },
      ]);
    }
    return Promise.all(exerciseIds.map((id) => caller.reads.lastPerformance(id)));
  },
  calendar: (_, { from, to }, ctx) => {
    const caller = requireCaller(ctx);
    const start = parseDate(from);
    const end = parseDate(to);
    if (!start || !end || end < start) {
      throw AppError.invalid('range', [{ path: 'to', code: 'RANGE_REVERSED', message: '`to` must not be before `from`' }]);
    }
    if (addDays(start, MAX_CALENDAR_DAYS) <= end) {
      throw AppError.invalid('range', [{ path: 'to', code: 'RANGE_TOO_LONG', message: `at most ${MAX_CALENDAR_DAYS} days per call` }]);
    }
    return caller.reads.calendar(from, to);
  },
};
