import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';

/**
 * A document is valid only if the schema has a root type for each of its
 * operations (graphql-js 17's KnownOperationTypesRule; 16 lets the document
 * through and fails at execution, which Apollo reports as an internal error).
 * This service serves no subscriptions, so `subscription { … }` is refused
 * here as the client's mistake: GRAPHQL_VALIDATION_FAILED, HTTP 400.
 */
export function knownOperationTypes(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  return {
    OperationDefinition(node) {
      if (schema.getRootType(node.operation)) return;
      context.reportError(new GraphQLError(`The ${node.operation} operation is not supported by the schema.`, { nodes: node }));
    },
  };
}
