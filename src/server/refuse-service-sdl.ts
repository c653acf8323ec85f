import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * With `SUBGRAPH_SDL=off` (the production default) `Query._service` is refused
 * before execution, like introspection: its SDL is the whole schema, with
 * every field and argument. Gateways that compose at run time by asking the
 * subgraph (IntrospectAndCompose, `rover subgraph introspect`) need it on;
 * a supergraph composed from the schema file does not. `_entities`, which a
 * gateway calls on every request, is not affected.
 */
export function refuseServiceSdl(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value !== '_service' || context.getParentType() !== context.getSchema().getQueryType()) return;
      context.reportError(new GraphQLError('_service is not served by this deployment (SUBGRAPH_SDL=off)', { nodes: node }));
    },
  };
}
