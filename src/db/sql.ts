import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueryConfig, QueryResult } from 'pg';
import type { z } from 'zod';
import { numberedPlaceholders } from './placeholders.js';
import { recordStatement } from './statement-counter.js';
import { pinnedClientOf, statementPoolOf } from './statement-pool.js';

/**
 * Runs labelled SQL, with `?` placeholders, straight through `pg`, with bound
 * parameters: outside a transaction on any connection of the statement pool,
 * inside one on the transaction's own connection (`statement-pool.ts`).
 *
 * Why not MikroORM's `execute`: it inlines every parameter into the SQL text
 * and sends it unprepared, so PostgreSQL parses and plans every statement anew
 * — measured at 3.7 ms of planning per last-performance lookup, more than the
 * lookup itself — the text is rebuilt in JavaScript on every call, and a large
 * JSON parameter (the backfill writes megabytes per batch) is copied into an
 * escaped literal. Here parameters travel separately (numbered once per text),
 * and hot reads are named prepared statements (`{ prepare: true }`): parsed
 * once per connection and planned from a cached plan. Only statements whose
 * text is fixed in code may be prepared — one server-side statement per
 * distinct text and connection.
 */
export interface StatementOptions {
  readonly prepare?: boolean;
}

async function run(em: EntityManager, label: string, sql: string, params: readonly unknown[], options: StatementOptions): Promise<QueryResult> {
  const statement = statementOf(label, sql, params.length);
  const config: QueryConfig = { text: statement.text, values: [...params] };
  if (options.prepare) config.name = statement.name;
  const target = em.isInTransaction() ? pinnedClientOf(em) : statementPoolOf(em);
  recordStatement(label);
  return target.query(config);
}

/**
 * One statement whose every row is parsed with a schema, so a row that does
 * not match what the code expects fails loudly here, at the border.
 */
export async function queryRows<S extends z.ZodType>(
  em: EntityManager,
  label: string,
  sql: string,
  params: readonly unknown[],
  row: S,
  options: StatementOptions = {},
): Promise<z.output<S>[]> {
  const { rows } = await run(em, label, sql, params, options);
  return rows.map((r, i) => {
    const parsed = row.safeParse(r);
    if (!parsed.success) throw new Error(`${label}: row ${i} does not match its schema: ${parsed.error.message}`);
    return parsed.data;
  });
}

/** One statement that returns no rows worth parsing; resolves to the affected row count. */
export async function execute(em: EntityManager, label: string, sql: string, params: readonly unknown[], options: StatementOptions = {}): Promise<number> {
  return (await run(em, label, sql, params, options)).rowCount ?? 0;
}

interface Statement {
  readonly text: string;
  /** A server-side name per distinct text (PostgreSQL keeps 63 bytes of a name). */
  readonly name: string;
  readonly placeholders: number;
}

/** By label, then SQL: labels are literals, so each call hashes its SQL text once. */
const statements = new Map<string, Map<string, Statement>>();

/** The labelled, numbered text and its name, built once per distinct SQL. */
function statementOf(label: string, sql: string, paramCount: number): Statement {
  let ofLabel = statements.get(label);
  if (ofLabel === undefined) statements.set(label, (ofLabel = new Map()));
  let statement = ofLabel.get(sql);
  if (statement === undefined) {
    const text = `/* ${label} */ ${numberedPlaceholders(sql, paramCount, label)}`;
    statement = { text, name: `${label.slice(0, 40)}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, placeholders: paramCount };
    if (ofLabel.size < 100) ofLabel.set(sql, statement);
  } else if (statement.placeholders !== paramCount) {
    numberedPlaceholders(sql, paramCount, label); // throws the mismatch
  }
  return statement;
}
