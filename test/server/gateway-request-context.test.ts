import { ApolloServer, HeaderMap } from '@apollo/server';
import type { GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { buildSchema, printSchema } from 'graphql';

/**
 * graphql-jit runs behind Apollo Server's gateway interface
 * (`src/server/jit-executor.ts`), so Apollo builds a gateway request context
 * for every operation. Unpatched, its `response.http` was an object literal
 * with a getter and a setter for `status`: V8 gives each such literal a hidden
 * class of its own in the old generation, whose closures hold the request's
 * whole context. Every minor collection then kept each finished request
 * (its results included) alive and promoted it: about a fifth of all the
 * server allocated, which was the GC cost and the pauses measured in
 * bench/README.md. `patches/@apollo+server+*.patch` (applied by
 * patch-package on install) moves the accessors to a class. This test fails
 * when the patch is not applied.
 */
const schema = buildSchema('type Query { hello: String }');

async function gatewayContextOf(status?: number): Promise<{ context: GatewayGraphQLRequestContext; httpStatus: number | undefined }> {
  let seen: GatewayGraphQLRequestContext | undefined;
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    load: async () => ({
      executor: async (request) => {
        seen = request;
        if (status) request.response!.http!.status = status;
        return { data: { hello: 'world' } };
      },
    }),
    stop: async () => {},
  };
  const server = new ApolloServer({ gateway });
  await server.start();
  try {
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: '{ hello }' } },
      context: async () => ({}),
    });
    return { context: seen!, httpStatus: response.status };
  } finally {
    await server.stop();
  }
}

it("keeps the gateway request context's status accessors off the per-request object (patch applied)", async () => {
  const { context } = await gatewayContextOf();
  const http = context.response!.http!;
  expect(Object.getOwnPropertyDescriptor(http, 'status')).toBeUndefined();
  expect(typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(http), 'status')?.get).toBe('function');
  expect(http.status).toBeUndefined();
});

it('still lets the executor read and set the HTTP status of the answer', async () => {
  const { context, httpStatus } = await gatewayContextOf(503);
  expect(context.response!.http!.status).toBe(503);
  expect(httpStatus).toBe(503);
});
