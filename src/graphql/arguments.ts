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

/** The most items one `first` argument may ask for. */
export const MAX_PAGE_SIZE = 100;

/** A `first` argument: `fallback` when null, else a whole number 0…MAX_PAGE_SIZE or a BAD_USER_INPUT naming `first`. */
export function pageSizeArgument(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw AppError.invalid('page', [{ path: 'first', code: 'OUT_OF_RANGE', message: `must be 0 to ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}
