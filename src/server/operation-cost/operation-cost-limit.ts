import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { AppError } from '../../errors.js';
import { assertEveryListBounded } from './list-bounds.js';
import { operationCost } from './operation-cost.js';

/**
 * The most an operation may cost (see `listSizeEstimator`). The heaviest
 * screens: the largest program's whole tree with every exercise's last
 * performance, every field selected (603,728), and a gateway's page of 100
 * sessions with their sets (750,500 with four fields of each set); the budget is above both, and
 * a request needs no more. README "Request cost" has the measurements.
 */
export const OPERATION_COST_BUDGET = 1_000_000;

/**
 * Refuses an operation whose cost, with this request's variables, is over
 * `budget` — after it is parsed, validated and resolved, before anything
 * runs — with OPERATION_TOO_EXPENSIVE (HTTP 400).
 */
export function operationCostLimit<TContext extends BaseContext>(budget: number = OPERATION_COST_BUDGET): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart({ schema }) {
      assertEveryListBounded(schema);
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const result = operationCost(schema, document, operationName ?? undefined, request.variables ?? {});
          if ('tooLarge' in result) throw AppError.operationTooExpensive(null, budget);
          if (result.cost > budget) throw AppError.operationTooExpensive(result.cost, budget);
        },
      };
    },
  };
}
