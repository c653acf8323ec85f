import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseDate } from '../../domain/calendar.js';

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether every field of an ISO instant is in range. `Date.parse` rolls
 * impossible values over (`2026-02-30` becomes 2 March), so the calendar date
 * and the clock fields are checked first: an instant is stored as sent or refused.
 */
function isRealInstant(value: string): boolean {
  const m = ISO_INSTANT.exec(value);
  if (!m || !parseDate(m[1]!)) return false;
  const within = (field: string | undefined, max: number) => field === undefined || Number(field) <= max;
  return within(m[2], 23) && within(m[3], 59) && within(m[4], 59) && within(m[5], 23) && within(m[6], 59) && !Number.isNaN(Date.parse(value));
}

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !isRealInstant(value)) {
    throw new GraphQLError('DateTime must be a real ISO-8601 instant with a time zone, e.g. 2026-11-24T07:30:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return new Date(value);
}

function parseDay(value: unknown): string {
  if (typeof value !== 'string' || !parseDate(value)) {
    throw new GraphQLError('Date must be a real calendar date YYYY-MM-DD', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => (value instanceof Date ? value : parseInstant(value)).toISOString(),
  parseValue: parseInstant,
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize: (value) => parseDay(value),
  parseValue: parseDay,
  parseLiteral: (ast) => parseDay(ast.kind === Kind.STRING ? ast.value : undefined),
});
