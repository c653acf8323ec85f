import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { AppError } from '../../errors.js';
import { assertEveryListBounded } from './list-bounds.js';
import { operationCost } from './operation-cost.js';

/**
 * The most an operation may cost (see `listSizeEstimator`): about the values
 * of the largest program's whole tree with each exercise's last performance,
 * the heaviest screen the app has, with a margin. README "Request cost" has
 * the measurements.
 */
export const OPERATION_COST_BUDGET = 500_000;

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
