import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import { countStatements } from '../db/statement-counter.js';
import type { FlagEvaluator } from '../flags/flag-snapshot.js';
import { createContext, type GraphQLContext, type ShadowReadOptions } from '../graphql/context.js';
import type { Metrics } from './metrics.js';
import { readiness } from './readiness.js';

export interface HttpServerOptions {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly orm: MikroORM;
  readonly authenticate: Authenticator;
  /** Evaluates the flags of one request for its caller. */
  readonly evaluateFlags: FlagEvaluator;
  readonly log: Logger;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Counts the requests refused here, before Apollo, by the code the client got (metrics are served on their own port). */
  readonly metrics: Metrics;
  readonly shadow: ShadowReadOptions;
  /** Adds `x-sql-statements` to responses: the statements one request ran (development and tests). */
  readonly exposeStatementCount: boolean;
}

class PayloadTooLarge extends Error {}

/**
 * node:http in front of Apollo: GraphQL at `/` and `/graphql` (Sandbox on GET
 * `/` outside production), plus `/health` and `/ready` for orchestrators.
 */
export interface HttpServer {
  readonly server: Server;
  /** Resolves once no request is being handled (a client that hung up does not end its request's work). */
  drained(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  let active = 0;
  const idle: (() => void)[] = [];
  const server = createServer((req, res) => {
    active += 1;
    handle(options, req, res)
      .catch((error: unknown) => {
        options.log.error({ err: error }, 'unhandled request failure');
        if (!res.headersSent) send(res, 500, { error: 'internal server error' });
        else res.destroy();
      })
      .finally(() => {
        active -= 1;
        if (active === 0) idle.splice(0).forEach((resolve) => resolve());
      });
  });
  return {
    server,
    drained: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}

async function handle(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (url.pathname) {
    case '/health':
      return send(res, 200, { status: 'ok' });
    case '/ready':
      return send(res, ...(await readiness(options.orm)));
    case '/':
    case '/graphql':
      return graphql(options, req, res, url);
    default:
      return send(res, 404, { error: 'not found' });
  }
}

async function graphql(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const requestId = headerValue(req, 'x-request-id')?.slice(0, 100) ?? randomUUID();
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  try {
    body = await readJsonBody(req, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return refuse(options, res, 413, 'PAYLOAD_TOO_LARGE', `request body over ${options.maxBodyBytes} bytes`);
    return refuse(options, res, 400, 'BAD_REQUEST', 'request body is not valid JSON');
  }
  const tally = { count: 0 };
  const execute = () =>
    options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: async () => {
        const userId = await options.authenticate(headers);
        const phase = await options.evaluateFlags(userId);
        return createContext({ em: options.orm.em.fork(), userId, phase, requestId, log: options.log, shadow: options.shadow });
      },
    });
  // Counting rides on AsyncLocalStorage, whose promise hooks tax every await of the request: only where the count is shown.
  const result = await (options.exposeStatementCount ? countStatements(tally, execute) : execute());
  res.statusCode = result.status ?? 200;
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.setHeader('x-request-id', requestId);
  if (result.body.kind === 'complete') {
    if (options.exposeStatementCount) res.setHeader('x-sql-statements', String(tally.count));
    // Encoded once. Handed a string, node:http measures its UTF-8 length for Content-Length, then encodes it again
    // to write it: the measuring alone was 13% of the server's CPU on a page of 20 sessions with their sets.
    const body = Buffer.from(result.body.string, 'utf8');
    res.setHeader('content-length', body.length);
    res.end(body);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.length === 0) return resolve(undefined);
      const type = req.headers['content-type'] ?? '';
      if (!type.includes('json')) return resolve(text);
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function refuse(options: HttpServerOptions, res: ServerResponse, status: number, code: string, message: string): void {
  options.metrics.errors.inc({ code });
  send(res, status, { errors: [{ message, extensions: { code } }] });
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}
