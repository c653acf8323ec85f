import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the SQL statements sent on behalf of one unit of work (an HTTP
 * request, a test step). The count rides on AsyncLocalStorage because
 * DataLoader batches and ORM calls run in callbacks far from the request
 * handler. Both paths record in the caller's async context: the statement
 * pool as it sends a statement, MikroORM's logger (`logQuery`) as each of its
 * statements completes.
 */
export interface StatementTally {
  count: number;
  /** When present, each statement's label (the name in its leading comment; `''` for none) is appended, in order. */
  readonly labels?: string[];
}

const storage = new AsyncLocalStorage<StatementTally>();

export function countStatements<T>(tally: StatementTally, work: () => T): T {
  return storage.run(tally, work);
}

export function recordStatement(label = ''): void {
  const tally = storage.getStore();
  if (!tally) return;
  tally.count += 1;
  tally.labels?.push(label);
}

/** The label of labelled SQL: the name in its leading comment, as `sql.ts` and MikroORM's `comment()` write it. */
export function labelOf(sql: string): string {
  return /^\s*\/\*\s*([\w.-]+)\s*\*\//.exec(sql)?.[1] ?? '';
}
