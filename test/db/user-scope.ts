/**
 * Reads SQL text (as `pg_stat_statements` records it, constants as `$n`) and
 * finds each reference to a user-owned table that does not name the user: a
 * statement that a database distributed by `user_id` would have to send to
 * every shard.
 */

/** Every table that carries `user_id` and would be distributed by it. */
export const USER_OWNED_TABLES = [
  'programs',
  'workout_sessions',
  'workout_session_sets',
  'program_versions',
  'program_version_workouts',
  'program_version_exercises',
  'program_version_schedule',
] as const;

/** Words that can follow a table name where an alias would otherwise be. */
const NOT_AN_ALIAS = new Set(['where', 'on', 'set', 'join', 'left', 'right', 'inner', 'full', 'cross', 'natural', 'using', 'order', 'group', 'limit', 'values', 'select', 'returning', 'for', 'union', 'having', 'window', 'offset', 'default', 'overriding', 'as', 'and', 'or']);

const normalise = (sql: string) => sql.replace(/"/g, '').replace(/\s+/g, ' ').toLowerCase();

interface Reference {
  readonly table: string;
  readonly keyword: 'from' | 'join' | 'into' | 'update';
  /** The name the statement uses for the table: its alias, else the table itself. */
  readonly name: string;
  /** Where the reference ends in the normalised text. */
  readonly end: number;
}

function references(sql: string): Reference[] {
  const found: Reference[] = [];
  const pattern = new RegExp(`\\b(from|join|into|update)\\s+(?:only\\s+)?(?:public\\.)?(${USER_OWNED_TABLES.join('|')})\\b(?:\\s+(?:as\\s+)?([a-z_][a-z0-9_]*))?`, 'g');
  for (const m of sql.matchAll(pattern)) {
    const alias = m[3] && !NOT_AN_ALIAS.has(m[3]) ? m[3] : undefined;
    found.push({ table: m[2]!, keyword: m[1] as Reference['keyword'], name: alias ?? m[2]!, end: m.index! + m[0].length });
  }
  return found;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text a reference's conditions can be in: from the reference to the end
 * of the (sub)query it sits in, so an alias used again elsewhere in the
 * statement (`g` in two `exists`) does not lend it another subquery's filter.
 */
function scopeOf(sql: string, ref: Reference): string {
  let depth = 0;
  for (let i = ref.end; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && depth-- === 0) return sql.slice(ref.end, i);
  }
  return sql.slice(ref.end);
}

/** `name.user_id = …`, `… = name.user_id`, `name.user_id in (…)`; unqualified `user_id = …` when `name` is the statement's only user-owned table. */
function filtersByUser(sql: string, ref: Reference, only: boolean): boolean {
  const scope = scopeOf(sql, ref);
  const column = `${escape(ref.name)}\\.user_id`;
  const qualified = new RegExp(`\\b${column}\\s*(=|in\\b)|=\\s*${column}\\b`);
  if (qualified.test(scope)) return true;
  return only && /(^|[^.\w])user_id\s*(=|in\b)|=\s*user_id\b/.test(scope);
}

/** An insert names `user_id` among its columns, so the row's shard is known from the statement. */
function insertsUser(sql: string, ref: Reference): boolean {
  const columns = /^\s*\(([^)]*)\)/.exec(sql.slice(ref.end));
  return columns !== null && columns[1]!.split(',').some((c) => c.trim() === 'user_id');
}

export interface Violation {
  readonly table: string;
  /** The alias the statement gives the table, if any. */
  readonly alias: string | undefined;
  readonly statement: string;
}

export const describeViolation = (v: Violation) => `${v.table}${v.alias ? ` as ${v.alias}` : ''} without user_id in: ${v.statement.replace(/\s+/g, ' ').trim()}`;

/** Each reference in `statement` that does not name the user; empty when every one does. */
export function userScopeViolations(statement: string): Violation[] {
  const sql = normalise(statement);
  const refs = references(sql);
  const only = new Set(refs.map((r) => r.table)).size === 1 && refs.every((r) => r.name === r.table);
  return refs
    .filter((ref) => !(ref.keyword === 'into' ? insertsUser(sql, ref) : filtersByUser(sql, ref, only)))
    .map((ref) => ({ table: ref.table, alias: ref.name === ref.table ? undefined : ref.name, statement }));
}
