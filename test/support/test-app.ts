import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/server/app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphQLResponse<T = Record<string, any>> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] | undefined;
  /** SQL statements the request ran (the `x-sql-statements` header). */
  readonly statements: number;
}

export interface TestApp {
  readonly db: TestDatabase;
  readonly app: RunningApp;
  /** Sends one operation as `userId` (dev-header mode); `userId: null` sends none. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, userId?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * A real HTTP server over a fresh database of its own (or over `shared`, which
 * the caller then closes), for end-to-end tests.
 */
export async function startTestApp(env: Record<string, string> = {}, shared?: TestDatabase, options: { log?: Logger } = {}): Promise<TestApp> {
  const db = shared ?? (await createTestDatabase());
  // Port 0 for both listeners: test files run in parallel, each with its own servers.
  const config: Config = loadConfig({ NODE_ENV: 'test', PORT: '0', METRICS_PORT: '0', DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env });
  const app = await startApp(config, db.orm, options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    db,
    app,
    async gql(query, variables = {}, userId = DEFAULT_USER) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (userId) headers['x-user-id'] = userId;
      const response = await fetch(`${app.url}graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, data: body.data, errors: body.errors, statements: Number(response.headers.get('x-sql-statements')) };
    },
    async close() {
      await app.close();
      if (!shared) await db.close();
    },
  };
}

export const DEFAULT_USER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const OTHER_USER = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

/** Fails the test with the server's errors when there are any. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  if (!response.data) throw new Error(`no data (HTTP ${response.status})`);
  return response.data;
}
