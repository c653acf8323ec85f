import type { BenchPostgres } from './bench-postgres.js';
import type { RequestVariant } from './operations.js';

/**
 * SQL statements per operation, counted — never guessed. Ours reports its own
 * count in `x-sql-statements`; for every contender (ours too, as a cross-check)
 * PostgreSQL's pg_stat_statements counts the top-level statements the bench
 * database received during one request, on an otherwise idle server.
 * The extension lives in the maintenance database, so the bench database and
 * the schema PostGraphile sees stay untouched.
 */
export interface StatementCount {
  /** `x-sql-statements`, when the server sends it. */
  readonly header: number | null;
  /** Statements PostgreSQL executed for the request (pg_stat_statements, top level, BEGIN/COMMIT included). */
  readonly postgres: number;
}

export async function enableStatementStats(pgs: BenchPostgres): Promise<void> {
  await pgs.admin(async (c) => void (await c.query('create extension if not exists pg_stat_statements')));
}

export async function countStatements(pgs: BenchPostgres, database: string, url: string, request: RequestVariant, warmup: RequestVariant = request): Promise<StatementCount> {
  // One request first, so that start-up work (a pool's first connection, plan caches) is not counted.
  await send(url, warmup);
  return pgs.admin(async (c) => {
    const total = async () =>
      Number(
        (
          await c.query(
            `/* benchStatementTotal */ select coalesce(sum(calls), 0) as n from pg_stat_statements
             where dbid = (select oid from pg_database where datname = $1)`,
            [database],
          )
        ).rows[0].n,
      );
    await c.query('select pg_stat_statements_reset()');
    const before = await total();
    const header = await send(url, request);
    // Statistics are recorded when a statement ends, which is before the response is sent.
    const after = await total();
    return { header, postgres: after - before };
  });
}

async function send(url: string, request: RequestVariant): Promise<number | null> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  if (!response.ok || text.includes('"errors"')) throw new Error(`request failed while counting statements (HTTP ${response.status}): ${text.slice(0, 500)}`);
  const header = response.headers.get('x-sql-statements');
  return header === null ? null : Number(header);
}
