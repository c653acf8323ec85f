import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { FormattedExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import type { GraphQLContext } from '../graphql/context.js';
import { buildSchema } from '../graphql/schema.js';
import type { Metrics } from './metrics.js';
import { jitExecution } from './jit-executor.js';
import { ResponseCache } from './response-cache/response-cache.js';
import { knownOperationTypes } from './known-operation-types.js';
import { sandboxLandingPage } from './landing-page/sandbox-landing-page.js';
import { logRequests } from './log-requests.js';
import { maskError } from './mask-error.js';
import { operationCostLimit } from './operation-cost/operation-cost-limit.js';
import { refuseServiceSdl } from './refuse-service-sdl.js';
import { rejectNulCharacters } from './reject-nul-characters.js';

export interface ApolloOptions {
  readonly production: boolean;
  /** Whether `_service { sdl }` answers (SUBGRAPH_SDL). */
  readonly serviceSdl: boolean;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** The GraphQL URL, once the server listens: the landing page shows it. */
  readonly graphqlUrl: () => string;
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
 * The response body. Apollo's default indents every response: a third more
 * bytes to build and send for nobody to read. Named, so that a CPU profile
 * shows the serialisation (JSON.stringify has no frame of its own) by name.
 */
function serialiseResponse(result: FormattedExecutionResult, responses?: ResponseCache): string {
  return responses?.serialised(result) ?? JSON.stringify(result);
}

/**
 * The Apollo server. Client errors (AppError, parsing, validation) pass
 * through; anything else is masked (see mask-error.ts) and its details stay in
 * the log.
 */
export function createApollo(options: ApolloOptions): ApolloServer<GraphQLContext> {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Counted by graphql-js' parser instead (parseOptions below): armor's plugin turned every syntax error into a 500.
    maxTokens: { enabled: false },
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
      : sandboxLandingPage<GraphQLContext>({ endpoint: options.graphqlUrl }),
    logRequests(options.metrics, options.log),
    rejectNulCharacters<GraphQLContext>(),
    // Federated tracing (ftv1) hands per-field timings to whoever asks: development only.
    ...(options.production ? [ApolloServerPluginInlineTraceDisabled()] : []),
    // Every answer is per user and nothing sets cache hints: the plugin's per-field hook would be pure cost.
    ApolloServerPluginCacheControlDisabled(),
  ];
  const responses = new ResponseCache();
  return new ApolloServer<GraphQLContext>({
    // One response cache per server: answers are only ever served after this request's statement validated them.
    gateway: jitExecution(buildSchema(), { responseCache: { cache: responses, counter: options.metrics.responseCache } }),
    logger: options.log,
    introspection: !options.production,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The process owns its signals: start.ts drains HTTP, then stops Apollo, the pool and the database, in that order.
    stopOnTerminationSignals: false,
    // An over-long document is an ordinary syntax error (GRAPHQL_PARSE_FAILED, 400), found before it is fully read.
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: [knownOperationTypes, ...(options.serviceSdl ? [] : [refuseServiceSdl]), ...armor.validationRules],
    plugins,
    formatError: maskError,
    stringifyResult: (result) => serialiseResponse(result, responses),
  });
}
