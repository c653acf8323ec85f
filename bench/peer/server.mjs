// The bench's peer: PostGraphile v4 (library mode) over the bench database,
// on node:http, with a `pg` pool of the same size as ours and the ceiling's.
// Run as a child process by bench/run.ts: DATABASE_URL, PORT, POOL_MAX.
// Plain JavaScript in its own package: PostGraphile v4 needs graphql 15.
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });

const middleware = postgraphile(pool, 'public', {
  // Production-like: no GraphiQL, no query log, no schema watching, no stack traces.
  graphiql: false,
  watchPg: false,
  disableQueryLog: true,
  showErrorStack: false,
  extendedErrors: [],
  // JSON columns (prescribed sets, the last-performance function) as JSON, not strings.
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  legacyRelations: 'omit',
  ignoreRBAC: false,
  enableQueryBatching: false,
  retryOnInitFail: false,
});

const server = createServer(middleware);
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`peer listening on ${process.env.PORT}\n`));

const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
