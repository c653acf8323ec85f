import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphQLContext } from '../graphql/context.js';
import { executeWithResponseCache, type ResponseCacheCounter } from './response-cache/cached-execution.js';
import type { ResponseCache } from './response-cache/response-cache.js';

export interface JitExecutionOptions {
  /** Where the workout screen's answers are kept between requests (see `executeWithResponseCache`); none: every operation executes. */
  readonly responseCache?: { readonly cache: ResponseCache; readonly counter?: ResponseCacheCounter };
}

/**
 * Executes operations with graphql-jit instead of graphql-js: each distinct
 * operation is compiled once into plain JavaScript, which resolves the same
 * resolvers without graphql-js' per-field work (argument coercion, path and
 * promise bookkeeping for every field) — measured at 13% of the server's CPU
 * on the full-tree read. Plugged in through Apollo Server's executor interface
 * (the one its gateway uses), so parsing, validation (graphql-armor's limits
 * included), plugins and error formatting stay Apollo's.
 *
 * Compiled operations are keyed by the parsed document, which Apollo's
 * document store keeps per query text: a WeakMap lets them go with it.
 */
export function jitExecution(schema: GraphQLSchema, options: JitExecutionOptions = {}): GatewayInterface {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();
  const executor: GatewayExecutor = async (request) => {
    // Apollo found no operation to run (an unknown operationName, or several operations and none named):
    // answered as graphql-js would, which Apollo reports as OPERATION_RESOLUTION_FAILURE (400).
    if (!request.operation) return { errors: [operationNotFound(request.document, request.operationName)] };
    let ofDocument = compiled.get(request.document);
    if (!ofDocument) compiled.set(request.document, (ofDocument = new Map()));
    const key = request.operationName ?? '';
    let query = ofDocument.get(key);
    if (!query) {
      query = compileQuery(schema, request.document, request.operationName ?? undefined);
      ofDocument.set(key, query);
    }
    if (!isCompiledQuery(query)) return query;
    const compiledQuery = query;
    const variables = request.request.variables ?? {};
    let coercedVariables: Record<string, unknown> = {};
    // Variables are checked by graphql-js itself, so that their errors read (and are classified by Apollo as
    // BAD_USER_INPUT) exactly as without the compiler; the compiled query then coerces the same raw values.
    if (request.operation.variableDefinitions?.length) {
      const coerced = getVariableValues(schema, request.operation.variableDefinitions, variables, { maxErrors: 50 });
      if (coerced.errors) return { errors: coerced.errors };
      coercedVariables = coerced.coerced;
    }
    const execute = async (): Promise<ExecutionResult> => {
      const result = await compiledQuery.query(undefined, request.context, variables);
      return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
    };
    const { responseCache } = options;
    if (!responseCache) return execute();
    const cached = { ...request, variables: coercedVariables, context: request.context as GraphQLContext, operation: request.operation };
    return executeWithResponseCache(responseCache.cache, responseCache.counter, cached, execute);
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}

/** graphql-js' own words for the same cases (see its `buildExecutionContext`). */
function operationNotFound(document: DocumentNode, operationName: string | null | undefined): GraphQLError {
  if (operationName) return new GraphQLError(`Unknown operation named "${operationName}".`);
  const any = document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return new GraphQLError(any ? 'Must provide operation name if query contains multiple operations.' : 'Must provide an operation.');
}

/**
 * graphql-jit's errors carry the path and the original error but are not
 * built by graphql-js' constructor: rebuilt here, so that Apollo and our error
 * masking (which unwraps the original error to classify it) see the errors
 * graphql-js would have produced.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  (rebuilt as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}
