import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { Logger } from 'pino';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isTransientDatabaseError } from '../db/transient-errors.js';
import { AppError, ErrorCode } from '../errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import { buildSchema } from '../graphql/schema.js';
import type { Metrics } from './metrics.js';
import { jitExecution } from './jit-executor.js';
import { operationCostLimit } from './operation-cost/operation-cost-limit.js';
import { rejectNulCharacters } from './reject-nul-characters.js';

export interface ApolloOptions {
  readonly production: boolean;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/**
 * Query-shape limits, cheap to check before execution. Sized so the deepest
 * real operation (a program tree with last performance, through the gateway's
 * `_entities`) passes with room to spare; `_entities` and `_service` are plain
 * fields to these rules, so federation keeps working.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxDirectives: 20,
  maxTokens: 3000,
} as const;

/**
 * The Apollo server. Client errors (AppError and GraphQL validation) pass
 * through; anything else is an internal error whose details stay in the log:
 * no stack traces, SQL or driver messages reach a client.
 */
export function createApollo(options: ApolloOptions): ApolloServer<GraphQLContext> {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    // Cost counts list sizes, which armor's cost limit does not: operationCostLimit below.
    costLimit: { enabled: false },
    // Suggestions ("did you mean …") describe the schema: off where introspection is.
    blockFieldSuggestion: { enabled: options.production },
  }).protect();
  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    ...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]),
    operationCostLimit<GraphQLContext>(),
    options.production
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    logRequests(options.metrics),
    rejectNulCharacters<GraphQLContext>(),
    // Federated tracing (ftv1) hands per-field timings to whoever asks: development only.
    ...(options.production ? [ApolloServerPluginInlineTraceDisabled()] : []),
    // Every answer is per user and nothing sets cache hints: the plugin's per-field hook would be pure cost.
    ApolloServerPluginCacheControlDisabled(),
  ];
  return new ApolloServer<GraphQLContext>({
    gateway: jitExecution(buildSchema()),
    logger: options.log,
    introspection: !options.production,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The process owns its signals: start.ts drains HTTP, then stops Apollo, the pool and the database, in that order.
    stopOnTerminationSignals: false,
    validationRules: armor.validationRules,
    plugins,
    formatError: (formatted, error) => maskError(formatted, error),
    // Apollo's default indents every response: a third more bytes to build and send for nobody to read.
    stringifyResult: (result) => JSON.stringify(result),
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
  // graphql-js stops coercing variables after 50 errors with a code-less error: still the client's input.
  if (/^Too many errors processing variables/.test(formatted.message)) {
    return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  if (isTransientDatabaseError(original)) {
    return {
      message: 'The database is briefly unavailable; retry the request',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryable: true },
    };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * One log line and one metric sample per operation, with what an operator
 * needs to follow it up (operation, read path taken, error codes); internal
 * errors are logged with their stack.
 */
function logRequests(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof AppError || CLIENT_CODES.has(String(error.extensions?.code ?? ''))) continue;
            if (/^Too many errors processing variables/.test(error.message)) continue;
            if (isTransientDatabaseError(original)) contextValue.log.warn({ err: original, path: error.path }, 'database unavailable');
            else contextValue.log.error({ err: original, path: error.path }, 'internal error');
          }
        },
        async willSendResponse({ operationName, errors, response }) {
          // Nothing but "retry later" to say: tell HTTP clients and proxies so too.
          if (errors?.length && errors.every((e) => isTransientDatabaseError(unwrapResolverError(e)))) response.http.status = 503;
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const codes = errors?.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')) ?? [];
          const path = contextValue.flags?.versioningReads ? 'versioned' : 'legacy';
          metrics.requests.observe({ operation: operationName ?? 'anonymous', path, outcome: codes.length ? 'error' : 'ok' }, ms / 1000);
          for (const code of codes) metrics.errors.inc({ code });
          contextValue.log.info({ operation: operationName ?? null, path, ms, errors: codes }, 'graphql request');
        },
      };
    },
  };
}
