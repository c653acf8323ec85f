import { ConnectionException } from '@mikro-orm/postgresql';
import type pg from 'pg';

/** pg's error for a statement that got no answer within the connection's `query_timeout`. */
const NO_ANSWER = 'Query read timeout';

/**
 * A statement got no answer within its connection's `query_timeout`: the
 * database host or the network stopped answering (the server's own
 * `statement_timeout` would have answered with an error).
 */
export class NoAnswerError extends Error {
  constructor(readonly timeoutMs: number | undefined) {
    super(`the database did not answer within ${timeoutMs ?? 'the query timeout of'} ms`);
    this.name = 'NoAnswerError';
  }
}

/** Why each guarded client cannot be used any more: its connection failed, or a statement got no answer in time. */
const failures = new WeakMap<pg.ClientBase, Error>();
const guarded = new WeakSet<pg.ClientBase>();

type Callback = (error: Error | null, result?: unknown) => void;
type Query = (config: unknown, values?: unknown) => Promise<unknown>;

/**
 * Makes one `pg` client of either pool (the statement pool's, MikroORM's) safe
 * to share between statements and to give up on:
 *
 * - its statements run one after the other, in the order they were sent. A
 *   transaction's connection serves several reads at once (both read paths of
 *   a shadow read or of `verify` in one snapshot, each path's loaders): `pg`
 *   queues them itself today, with a deprecation warning, and refuses to from
 *   pg 9 on.
 * - a statement that got no answer within the connection's `query_timeout` (a
 *   host or network that froze: the server's own `statement_timeout` cannot
 *   fire) leaves the connection in an unknown state: the client is ended at
 *   once, and this and every later statement on it fail as a lost connection
 *   (MikroORM's `ConnectionException`, retryable) instead of waiting behind it.
 * - once its connection failed, its statements fail the same way, so
 *   a statement of a transaction whose connection the server ended says so,
 *   whichever layer sent it.
 *
 * Both pools read `connectionFailureOf` to destroy such a client rather than
 * hand it out again.
 */
export function guardClient(client: pg.ClientBase): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  // pg emits 'error' for every end it did not ask for; an end it asked for is the pool's or ours.
  client.on('error', (error: Error) => fail(client, error));
  // pg's own query, looked up at each call (the class's method: what wraps it there, a test's probe, still sees every statement).
  const prototype = Object.getPrototypeOf(client) as { query: (this: pg.ClientBase, config: unknown, values?: unknown, callback?: Callback) => unknown };
  const query = (config: unknown, values?: unknown, callback?: Callback) => prototype.query.call(client, config, values, callback);
  let previous: Promise<unknown> = Promise.resolve();
  const run: Query = async (config, values) => {
    const before = failures.get(client);
    if (before) throw connectionLostException(new Error('Client has encountered a connection error and is not queryable'), before);
    try {
      return await (query(config, values) as Promise<unknown>);
    } catch (error) {
      throw failed(client, error);
    }
  };
  client.query = ((config: unknown, values?: unknown, callback?: Callback) => {
    // A Submittable (cursor, stream) runs as pg runs it: nothing here sends one.
    if (typeof (config as { submit?: unknown } | null)?.submit === 'function') return query(config, values, callback);
    const done = typeof values === 'function' ? (values as Callback) : callback;
    const params = typeof values === 'function' ? undefined : values;
    const result = previous.then(
      () => run(config, params),
      () => run(config, params),
    );
    // Settled with nothing: the chain must not hold the answer (an idle connection would keep its last rows alive).
    previous = result.then(nothing, nothing);
    if (!done) return result;
    result.then(
      (value) => done(null, value),
      (error: Error) => done(error),
    );
    return undefined;
  }) as unknown as typeof client.query;
}

const nothing = (): undefined => undefined;

/** Why `client` cannot be used any more (its connection failed, or did not answer in time); undefined while it is usable. */
export function connectionFailureOf(client: pg.ClientBase): Error | undefined {
  return failures.get(client);
}

function fail(client: pg.ClientBase, error: Error): void {
  if (!failures.has(client)) failures.set(client, error);
}

/** What a failed statement on `client` is: a lost connection when the client's connection failed, the error as it came otherwise. */
function failed(client: pg.ClientBase, error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ConnectionException) return error;
  if (error.message === NO_ANSWER) {
    const timeoutMs = (client as { connectionParameters?: { query_timeout?: unknown } }).connectionParameters?.query_timeout;
    fail(client, new NoAnswerError(typeof timeoutMs === 'number' ? timeoutMs : undefined));
    // The statement may still be running, or the host gone: pg ends a client with a statement in flight by closing its socket.
    (client as pg.Client).end().catch(() => undefined);
  }
  const failure = failures.get(client);
  return failure ? connectionLostException(error, failure) : error;
}

/**
 * A statement that failed because its connection was lost (or gave no
 * answer), as MikroORM's `ConnectionException`: the message says so and keeps
 * the statement's own, `cause` is what the statement got, `connectionError`
 * what ended the connection.
 */
export function connectionLostException(error: Error, lost: Error): ConnectionException {
  const exception = new ConnectionException(error);
  const what = lost instanceof NoAnswerError ? lost.message : `the database connection was lost (${lost.message})`;
  exception.message = `${what}: ${error.message}`;
  return Object.assign(exception, { cause: error, connectionError: lost });
}
