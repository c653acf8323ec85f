import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createComplexityRule, type ComplexityEstimator } from 'graphql-query-complexity';
import { LIST_BOUNDS, type ListBound } from './list-bounds.js';

/**
 * Selections the analysis evaluates at most (a fragment counts each time it
 * is spread). Real operations evaluate a few dozen; without a cap, fragments
 * spreading fragments make the count itself exponential in the document.
 */
export const MAX_EVALUATED_SELECTIONS = 10_000;

/**
 * A field costs one for its own value plus what its selections cost, times
 * the most items it can return (`LIST_BOUNDS`). So the cost is the number of
 * values the response would hold with every list at its largest, and it grows
 * with the response's size and the work to build it, whatever the data.
 * Introspection is off in production and sized by the schema: no multipliers.
 */
export function listSizeEstimator(bounds: Readonly<Record<string, ListBound>> = LIST_BOUNDS): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const own = 1 + childComplexity;
    if (type.name.startsWith('__') || field.name.startsWith('__')) return own;
    const bound = bounds[`${type.name}.${field.name}`];
    return bound ? bound(args) * own : own;
  };
}

export type OperationCost = { readonly cost: number } | { readonly tooLarge: true };

/**
 * The cost of one operation of `document` with the request's variables,
 * before it runs: the package's rule, run alone over the document. Variables
 * or arguments that do not coerce add nothing (the rule's reports are
 * dropped): execution refuses them before any resolver runs.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  estimator: ComplexityEstimator = listSizeEstimator(),
): OperationCost {
  let cost = 0;
  const rule = createComplexityRule({
    maximumComplexity: Infinity,
    estimators: [estimator],
    variables,
    operationName,
    maxQueryNodes: MAX_EVALUATED_SELECTIONS,
    onComplete: (complexity) => (cost = complexity),
  });
  try {
    validate(schema, document, [rule]);
  } catch (error) {
    // The only error the rule throws rather than reports: the selection cap.
    if (error instanceof GraphQLError) return { tooLarge: true };
    throw error;
  }
  return { cost };
}
