import type { DocumentNode, ExecutionResult, OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { canonicalJson } from './canonical-json.js';
import { selectsOnlyCoveredFields } from './covered-selection.js';
import type { ResponseCache } from './response-cache.js';

export interface CachedExecutionRequest {
  readonly source: string;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly operationName: string | null | undefined;
  /** Coerced as execution will see them. */
  readonly variables: Readonly<Record<string, unknown>>;
  readonly context: GraphQLContext;
}

/** Where hits and misses are counted (the server passes its Prometheus counter). */
export interface ResponseCacheCounter {
  inc(labels: { outcome: 'hit' | 'miss' }): void;
}

/**
 * The workout screen's answer without executing it again. Executing the full
 * tree costs Node ~200 resolved fields, model mapping and JSON building per
 * request, though its answer depends only on what the one statement of the
 * request already reads: the active program row (its id, its `revision`,
 * which a trigger bumps on every change of the row, blob included, and its
 * current version, whose rows never change) and the caller's history
 * watermark (which every write that can change a last performance moves).
 *
 * So for an operation that selects only those values (`selectsOnlyCoveredFields`)
 * the statement still runs on every request, against the primary, and only
 * execution is skipped when the kept answer was executed under the same
 * validator, for the same user, phase, document, operation name and
 * variables. A write in another process is seen by the next request anywhere.
 *
 * Never kept: answers with errors, and a missing active program (the
 * statement returns no row, so no watermark covers "none": it executes each
 * time). Never served: to a request whose reads are a Phase 4 shadow-read
 * sample (its comparison must run), or without a caller.
 */
export async function executeWithResponseCache(
  cache: ResponseCache,
  counter: ResponseCacheCounter | undefined,
  request: CachedExecutionRequest,
  execute: () => Promise<ExecutionResult>,
): Promise<ExecutionResult> {
  const { caller, phase } = request.context;
  if (!caller || caller.readsCompared || !selectsOnlyCoveredFields(request.document, request.operation, request.variables)) return execute();
  // A failed read (the database restarting, a timeout) is the resolver's to report: execution awaits the same
  // read and its error goes through field errors and masking as without the cache (a 503, not a 500).
  const validator = await caller.reads.activeProgramValidator().catch(() => null);
  if (validator === null) return execute();
  const key = canonicalJson([phase.kind, request.source, request.operationName ?? null, request.variables]);
  const kept = cache.get(caller.userId, key, validator);
  counter?.inc({ outcome: kept ? 'hit' : 'miss' });
  if (kept) return kept;
  const result = await execute();
  if (!result.errors && result.data && Object.values(result.data).every((value) => value !== null)) cache.set(caller.userId, key, validator, result);
  return result;
}
