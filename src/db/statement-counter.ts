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
}

const storage = new AsyncLocalStorage<StatementTally>();

export function countStatements<T>(tally: StatementTally, work: () => T): T {
  return storage.run(tally, work);
}

export function recordStatement(): void {
  const tally = storage.getStore();
  if (tally) tally.count += 1;
}
