import { ConnectionException } from '@mikro-orm/postgresql';
import { NoAnswerError } from './guard-client.js';

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

/** How a statement could not be served by any connection. */
export type ConnectionUnavailable =
  /** no free connection within the acquire timeout (the pool was full, or a new connection could not be opened in time) */
  | 'no free connection'
  /** the connection it ran on was lost: the server ended it (a restart, an administrator) or the network cut it */
  | 'connection lost'
  /** it got no answer within the connection's `query_timeout`: the host or the network stopped answering */
  | 'no answer';

/** `pg`'s and `pg-pool`'s errors for a connection it could not get, lost, or gave up on (they carry no code). */
const PG_CONNECTION_MESSAGES: ReadonlyMap<string, ConnectionUnavailable> = new Map([
  ['timeout exceeded when trying to connect', 'no free connection'],
  ['Connection terminated due to connection timeout', 'no free connection'],
  ['Connection terminated unexpectedly', 'connection lost'],
  ['Connection terminated', 'connection lost'],
  ['Client has encountered a connection error and is not queryable', 'connection lost'],
  ['Client was closed and is not queryable', 'connection lost'],
  ['Query read timeout', 'no answer'],
]);

/**
 * Whether, and how, no connection could be had or kept, before the server
 * said anything about the statement:
 * - MikroORM's `ConnectionException`: `inTransaction` raises it when a
 *   transaction could not even begin; the statement pool and the guarded
 *   clients of both pools when a statement's connection was lost or did not
 *   answer (`guard-client.ts`, `statement-pool.ts`); the driver when
 *   MikroORM's pool had no free connection in time;
 * - `pg`'s own errors for the same.
 * A MikroORM `DriverException` without SQLSTATE is none of these by itself:
 * it is whatever the layers underneath threw, a bug of ours included (a
 * statement sent in a transaction that has already ended).
 */
export function connectionUnavailability(error: unknown): ConnectionUnavailable | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  const byMessage = typeof message === 'string' ? PG_CONNECTION_MESSAGES.get(message) : undefined;
  if (!(error instanceof ConnectionException)) return byMessage;
  const { unavailable, connectionError, cause } = error as { unavailable?: ConnectionUnavailable; connectionError?: unknown; cause?: unknown };
  if (unavailable) return unavailable;
  if (connectionError instanceof NoAnswerError) return 'no answer';
  if (connectionError !== undefined) return 'connection lost';
  return byMessage ?? connectionUnavailability(cause) ?? 'connection lost';
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
  if (connectionUnavailability(error) !== undefined) return true;
  const nested = [cause, thrownValue, ...(Array.isArray(errors) ? errors : [])];
  return nested.some((inner) => isTransientDatabaseError(inner, depth + 1));
}
