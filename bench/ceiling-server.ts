import { createServer } from 'node:http';
import pg from 'pg';
import { CEILING_FULL_TREE_SQL } from './ceiling-sql.js';

/**
 * The ceiling: the least a server can do to answer the full-tree operation —
 * node:http, a `pg` pool and ONE hand-written statement whose result is the
 * response body. No GraphQL, no parsing of the request body, no validation
 * beyond the user id. Run as a child process by bench/run.ts:
 * DATABASE_URL, PORT, POOL_MAX.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
const statement = { name: 'ceilingFullTree', text: CEILING_FULL_TREE_SQL };

const server = createServer((req, res) => {
  req.resume(); // the body (the GraphQL document) is not read: there is one operation
  req.on('end', () => {
    const userId = req.headers['x-user-id'];
    if (typeof userId !== 'string' || !UUID.test(userId)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"message":"x-user-id must be a UUID"}]}');
      return;
    }
    pool.query<{ body: string }>({ ...statement, values: [userId.toLowerCase()] }).then(
      (result) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-sql-statements': '1' }).end(result.rows[0]!.body);
      },
      (error: unknown) => {
        process.stderr.write(`ceiling: ${String(error)}\n`);
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"internal error"}]}');
      },
    );
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`ceiling listening on ${process.env.PORT}\n`));

const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
