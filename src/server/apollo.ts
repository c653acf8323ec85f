import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode } from '../errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import { buildSchema } from '../graphql/schema.js';

export interface ApolloOptions {
  readonly production: boolean;
}

/**
 * The Apollo server. Client errors (AppError and GraphQL validation) pass
 * through; anything else is an internal error whose details stay in the log:
 * no stack traces, SQL or driver messages reach a client.
 */
export function createApollo(options: ApolloOptions): ApolloServer<GraphQLContext> {
  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    options.production
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    logRequests(),
  ];
  return new ApolloServer<GraphQLContext>({
    schema: buildSchema(),
    introspection: !options.production,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    plugins,
    formatError: (formatted, error) => maskError(formatted, error),
  });
}

const CLIENT_CODES = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return { ...formatted, extensions: { ...formatted.extensions } };
  const code = String(formatted.extensions?.code ?? '');
  if (CLIENT_CODES.has(code)) return formatted;
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** One log line per operation, with what an operator needs to follow it up; internal errors with their stack. */
function logRequests(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (!(original instanceof AppError) && !CLIENT_CODES.has(String(error.extensions?.code ?? ''))) {
              contextValue.log.error({ err: original, path: error.path }, 'internal error');
            }
          }
        },
        async willSendResponse({ operationName, errors }) {
          contextValue.log.info(
            {
              operation: operationName ?? null,
              ms: Number(process.hrtime.bigint() - started) / 1e6,
              errors: errors?.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') ?? [],
            },
            'graphql request',
          );
        },
      };
    },
  };
}
