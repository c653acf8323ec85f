import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '../errors.js';
import { classifyError } from './classify-error.js';

/**
 * Apollo's `formatError`: client errors pass through (with the code
 * `classifyError` gives them); anything else is masked, so no stack traces,
 * SQL or driver messages reach a client.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const verdict = classifyError(error);
  switch (verdict.kind) {
    case 'client':
      return formatted.extensions?.code === verdict.code ? formatted : { ...formatted, extensions: { ...formatted.extensions, code: verdict.code } };
    case 'unavailable':
      // An AppError's message is written for clients; a driver's is not.
      if (unwrapResolverError(error) instanceof AppError) return formatted;
      return {
        message: 'The database is briefly unavailable; retry the request',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: verdict.code, retryable: true },
      };
    case 'internal':
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: verdict.code } };
    default: {
      const unreachable: never = verdict;
      return unreachable;
    }
  }
}
