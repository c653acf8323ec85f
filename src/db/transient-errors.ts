import { ConnectionException, DriverException } from '@mikro-orm/postgresql';

/**
 * Database failures that say nothing about the request and may pass on a
 * retry: the pool had no free connection in time, a statement or lock wait
 * hit its timeout, the server is restarting or unreachable, the connection
 * dropped. Classified in one place so clients get one clear, retryable error
 * for all of them — by SQLSTATE, node's socket codes, MikroORM's exception
 * classes and `pg`'s own errors, never by the text of a driver underneath.
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  // The bounded waits of the request path: a statement over statement_timeout
  // (or cancelled), a lock not granted within lock_timeout, a transaction ended
  // by idle_in_transaction_session_timeout. The request did nothing wrong.
  '57014', // query_canceled
  '55P03', // lock_not_available
  '25P03', // idle_in_transaction_session_timeout
]);

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** `pg`'s and `pg-pool`'s errors for a connection it could not get, or lost (they carry no code). */
const PG_CONNECTION_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * No connection could be had or kept, before the server said anything about
 * the statement:
 * - MikroORM's `ConnectionException`: `inTransaction` raises it when a
 *   transaction could not even begin, the statement pool when a transaction's
 *   BEGIN, COMMIT, ROLLBACK or savepoint failed on a connection the server had
 *   ended (`statement-pool.ts`);
 * - a MikroORM `DriverException` with no SQLSTATE: MikroORM wraps whatever
 *   its driver throws, and an error the server sent always carries a SQLSTATE,
 *   so one without came from the client side — the pool gave up waiting for a
 *   free connection, or the connection is gone;
 * - the statement pool's `pg` errors for the same.
 */
export function isConnectionUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionException) return true;
  if (error instanceof DriverException && error.sqlState === undefined && error.code === undefined) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && PG_CONNECTION_MESSAGES.includes(message);
}

export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, cause, thrownValue, errors } = error as {
    code?: unknown;
    cause?: unknown;
    /** graphql-js wraps non-Error throws (pg's connect errors can be plain objects) */
    thrownValue?: unknown;
    /** AggregateError: node's connect tries every address */
    errors?: unknown;
  };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return true;
  if (isConnectionUnavailable(error)) return true;
  const nested = [cause, thrownValue, ...(Array.isArray(errors) ? errors : [])];
  return nested.some((inner) => isTransientDatabaseError(inner, depth + 1));
}
