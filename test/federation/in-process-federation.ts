import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type DocumentNode } from 'graphql';
import { buildSchema } from '../../src/graphql/schema.js';

/*
 * A gateway and the small subgraphs around the training subgraph, all in this
 * process and on real HTTP ports, as a router would see them in production.
 */

export interface SubgraphService {
  readonly name: string;
  /** The GraphQL endpoint, e.g. `http://localhost:1234/graphql`. */
  readonly url: string;
  readonly typeDefs: DocumentNode;
}

export interface RunningSubgraph extends SubgraphService {
  stop(): Promise<void>;
}

interface SubgraphContext {
  readonly userId: string | null;
}

/** The training subgraph's SDL exactly as it serves it on `_service { sdl }`. */
export function trainingTypeDefs(): DocumentNode {
  return parse(printSubgraphSchema(buildSchema()));
}

/** Apollo's logger, silenced: the tests assert on results, not on start-up notices. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const sdlFile = (name: string): DocumentNode => parse(readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8'));

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

async function startSubgraph(name: string, resolvers: GraphQLResolverMap<SubgraphContext>): Promise<RunningSubgraph> {
  const typeDefs = sdlFile(name);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> });
  const server = new ApolloServer<SubgraphContext>({ schema, logger: quiet });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ userId: headerValue(req, 'x-user-id') }),
  });
  return { name, url, typeDefs, stop: () => server.stop() };
}

export const emailOf = (userId: string) => `athlete-${userId.slice(0, 8)}@example.test`;

/** Owns `User` and `Query.me`: the caller is whoever the `x-user-id` header names. */
export function startUsersSubgraph(): Promise<RunningSubgraph> {
  return startSubgraph('users', {
    Query: { me: (_: unknown, __: unknown, ctx: SubgraphContext) => (ctx.userId ? { id: ctx.userId } : null) },
    User: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      email: (user: { id: string }) => emailOf(user.id),
    },
  });
}

/** Returns bare keys of training entities; the gateway fetches the rest from the training subgraph. */
export function startBookmarksSubgraph(): Promise<RunningSubgraph> {
  const keys = (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id }));
  return startSubgraph('bookmarks', { Query: { bookmarkedPrograms: keys, bookmarkedVersions: keys, bookmarkedSessions: keys } });
}

export interface GatewayContext {
  readonly userId: string | null;
  /** One entry per subgraph request the gateway made, with the SQL statements it cost (training only). */
  readonly fetches: { subgraph: string; statements: number | null }[];
}

export interface GatewayResult {
  readonly data: Record<string, any> | null | undefined;
  readonly errors: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, any> }[] | undefined;
  readonly fetches: GatewayContext['fetches'];
}

export interface RunningGateway {
  readonly supergraphSdl: string;
  execute(query: string, variables: Record<string, unknown>, userId: string | null): Promise<GatewayResult>;
  stop(): Promise<void>;
}

/** Composes like `rover supergraph compose`; throws with every composition error. */
export function composeSupergraph(subgraphs: readonly SubgraphService[]): string {
  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

/** `@apollo/gateway` over the composed supergraph, forwarding the caller as `x-user-id` (the subgraph's dev-header mode). */
export async function startGateway(subgraphs: readonly SubgraphService[]): Promise<RunningGateway> {
  const supergraphSdl = composeSupergraph(subgraphs);
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: quiet,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          if (context.userId) request.http?.headers.set('x-user-id', context.userId);
        },
        async didReceiveResponse({ response, context }) {
          const statements = response.http?.headers.get('x-sql-statements');
          context.fetches?.push({ subgraph: name, statements: statements == null ? null : Number(statements) });
          return response;
        },
      }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway, logger: quiet });
  await server.start();
  return {
    supergraphSdl,
    async execute(query, variables, userId) {
      const contextValue: GatewayContext = { userId, fetches: [] };
      const response = await server.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result from the gateway');
      const { data, errors } = response.body.singleResult;
      return { data, errors, fetches: contextValue.fetches };
    },
    stop: () => server.stop(),
  };
}
