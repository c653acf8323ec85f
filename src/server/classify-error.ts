import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { isTransientDatabaseError } from '../db/transient-errors.js';
import { AppError, ErrorCode } from '../errors.js';

/**
 * What one error is to the client, decided here once: the masked response,
 * the log and the `training_graphql_errors_total{code}` metric all follow it,
 * so the metric counts exactly the codes clients received.
 * - `client`: the request's own fault; its message and code go out as they are.
 * - `unavailable`: a dependency (database, key set) is briefly down; retryable.
 * - `internal`: our fault; details stay in the log.
 */
export type ErrorClass =
  | { readonly kind: 'client'; readonly code: string }
  | { readonly kind: 'unavailable'; readonly code: ErrorCode.SERVICE_UNAVAILABLE; readonly cause: unknown }
  | { readonly kind: 'internal'; readonly code: ErrorCode.INTERNAL_SERVER_ERROR; readonly cause: unknown };

/** Apollo's own codes, all about the request (parse, validation, operation choice, APQ, HTTP shape). */
const APOLLO_CLIENT_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

export function classifyError(error: unknown): ErrorClass {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    if (original.code === ErrorCode.SERVICE_UNAVAILABLE) return { kind: 'unavailable', code: original.code, cause: original.originalError ?? original };
    if (original.code === ErrorCode.INTERNAL_SERVER_ERROR) return { kind: 'internal', code: original.code, cause: original.originalError ?? original };
    return { kind: 'client', code: original.code };
  }
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  const code = typeof extensions.code === 'string' ? extensions.code : undefined;
  if (code && APOLLO_CLIENT_CODES.has(code)) return { kind: 'client', code };
  // graphql-js stops coercing variables after 50 errors with a code-less error: still the client's input.
  if (error instanceof GraphQLError && /^Too many errors processing variables/.test(error.message)) return { kind: 'client', code: ErrorCode.BAD_USER_INPUT };
  // Apollo answers a few request mistakes (an APQ hash that does not match its query, an unknown APQ version)
  // with a code-less error that only carries its 4xx status.
  const status = (extensions.http as { status?: unknown } | undefined)?.status;
  if (!code && typeof status === 'number' && status >= 400 && status < 500) return { kind: 'client', code: ApolloServerErrorCode.BAD_REQUEST };
  if (isTransientDatabaseError(original)) return { kind: 'unavailable', code: ErrorCode.SERVICE_UNAVAILABLE, cause: original };
  return { kind: 'internal', code: ErrorCode.INTERNAL_SERVER_ERROR, cause: original };
}
