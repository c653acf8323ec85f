/**
 * Database failures that say nothing about the request and may pass on a
 * retry: the pool had no free connection in time, a statement or lock wait
 * hit its timeout, the server is restarting or unreachable, the connection
 * dropped. Classified in one place so clients get
 * one clear, retryable error for all of them.
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

const TRANSIENT_MESSAGES = [
  /Timeout acquiring a connection/i,
  /Connection terminated/i,
  /terminating connection/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down)/i,
  /Connection ended unexpectedly/i,
  // knex, when the connection under an open transaction died
  /Transaction query already complete/i,
];

export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause, thrownValue, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    /** graphql-js wraps non-Error throws (pg's connect errors can be plain objects) */
    thrownValue?: unknown;
    /** AggregateError: node's connect tries every address */
    errors?: unknown;
  };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return true;
  if (typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
  const nested = [cause, thrownValue, ...(Array.isArray(errors) ? errors : [])];
  return nested.some((inner) => isTransientDatabaseError(inner, depth + 1));
}
