import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { guardClient } from '../../src/db/guard-client.js';
import { exposeGc } from '../support/expose-gc.js';

/**
 * A guarded client chains each statement behind the one before it. The chain
 * must not hold the last answer: an idle connection of the pool would keep its
 * last result (a page of history: thousands of rows) alive until its next
 * statement, long enough for every such result to be promoted to the old
 * generation, to be found only by a full collection.
 */
const gc = exposeGc();

/** pg's client as `guardClient` sees it: `query` on the prototype, events on the instance. */
class FakeClient extends EventEmitter {
  query(_config: unknown, _values?: unknown): Promise<{ rows: unknown[] }> {
    return Promise.resolve({ rows: Array.from({ length: 1000 }, (_, i) => ({ i })) });
  }
}

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

it('does not keep the last result of an idle connection alive', async () => {
  const client = new FakeClient() as unknown as pg.ClientBase;
  guardClient(client);
  let result: { rows: unknown[] } | undefined = (await client.query('select')) as unknown as { rows: unknown[] };
  expect(result.rows).toHaveLength(1000);
  const ref = new WeakRef(result);
  result = undefined;
  expect(await collected(ref)).toBe(true);
  // And the chain still orders what comes next.
  const [a, b] = (await Promise.all([client.query('one'), client.query('two')])) as unknown as { rows: unknown[] }[];
  expect(a!.rows).toHaveLength(1000);
  expect(b!.rows).toHaveLength(1000);
});

/** A client whose every statement fails with `failure`. */
class FailingClient extends EventEmitter {
  constructor(private failure: Error | undefined) {
    super();
  }

  query(): Promise<never> {
    const failure = this.failure!;
    this.failure = undefined;
    return Promise.reject(failure);
  }
}

it("does not keep a failed statement's error alive either", async () => {
  let error: Error | undefined = new Error('boom');
  const ref = new WeakRef(error);
  const client = new FailingClient(error) as unknown as pg.ClientBase;
  guardClient(client);
  await expect(client.query('select')).rejects.toBe(error);
  error = undefined;
  expect(await collected(ref)).toBe(true);
});
