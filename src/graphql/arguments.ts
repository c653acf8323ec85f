import { isUuid } from '../domain/uuid.js';
import { AppError } from '../errors.js';

/** A UUID argument, or a BAD_USER_INPUT naming the argument. */
export function uuidArgument(kind: string, argument: string, value: string): string {
  if (!isUuid(value)) throw AppError.malformedId(kind, argument, value);
  return value.toLowerCase();
}

/** Throws NOT_FOUND for null: other users' data and unknown ids look the same. */
export function found<T>(value: T | null | undefined, kind: string, id: string): T {
  if (value === null || value === undefined) throw AppError.notFound(kind, id);
  return value;
}
