import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the SQL statements sent on behalf of one unit of work (an HTTP
 * request, a test step). The count rides on AsyncLocalStorage because
 * DataLoader batches and ORM calls run in callbacks far from the request
 * handler; the knex `query` event fires synchronously in their async context.
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
