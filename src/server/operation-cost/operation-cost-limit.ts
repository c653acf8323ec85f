import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { AppError } from '../../errors.js';
import { assertEveryListBounded } from './list-bounds.js';
import { listSizeEstimator, operationCost, type OperationCost } from './operation-cost.js';

/**
 * The most an operation may cost (see `listSizeEstimator`). The heaviest
 * screens: the largest program's whole tree with every exercise's last
 * performance, every field selected (603,728), and a gateway's page of 100
 * sessions with their sets (750,500 with four fields of each set); the budget is above both, and
 * a request needs no more. README "Request cost" has the measurements.
 */
export const OPERATION_COST_BUDGET = 1_000_000;

/** Variables (as JSON) longer than this are remembered by their SHA-256 rather than their text (e.g. 50 `_entities` keys). */
const MAX_PLAIN_KEY_CHARS = 256;
/** Costs remembered per document (one per operation name and variables). */
const MAX_COSTS_PER_DOCUMENT = 64;

/**
 * Refuses an operation whose cost, with this request's variables, is over
 * `budget` — after it is parsed, validated and resolved, before anything
 * runs — with OPERATION_TOO_EXPENSIVE (HTTP 400).
 *
 * The cost is a function of the document, the operation and the variables
 * only, and walking the document was 5% of the server's CPU on the full-tree
 * read: it is remembered per parsed document (Apollo keeps one per query
 * text) and per operation name and variables, weakly, so it goes with the
 * document.
 */
export function operationCostLimit<TContext extends BaseContext>(
  budget: number = OPERATION_COST_BUDGET,
  estimator: ComplexityEstimator = listSizeEstimator(),
): ApolloServerPlugin<TContext> {
  const costs = new WeakMap<DocumentNode, Map<string, OperationCost>>();
  return {
    async serverWillStart({ schema }) {
      assertEveryListBounded(schema);
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const variables = request.variables ?? {};
          const key = cacheKey(operationName, variables);
          let ofDocument = costs.get(document);
          let result = ofDocument?.get(key);
          if (!result) {
            result = operationCost(schema, document, operationName ?? undefined, variables, estimator);
            if (!ofDocument) costs.set(document, (ofDocument = new Map()));
            if (ofDocument.size < MAX_COSTS_PER_DOCUMENT) ofDocument.set(key, result);
          }
          if ('tooLarge' in result) throw AppError.operationTooExpensive(null, budget);
          if (result.cost > budget) throw AppError.operationTooExpensive(result.cost, budget);
        },
      };
    },
  };
}

/** The operation and its variables as a key. */
function cacheKey(operationName: string | null, variables: Record<string, unknown>): string {
  const json = JSON.stringify(variables);
  return `${operationName ?? ''}\n${json.length > MAX_PLAIN_KEY_CHARS ? createHash('sha256').update(json).digest('base64') : json}`;
}
