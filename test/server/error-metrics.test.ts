import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createOrm } from '../../src/db/orm.js';
import { startApp } from '../../src/server/app.js';
import { holdEveryConnection } from '../support/hold-connections.js';
import { DEFAULT_USER } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';

/**
 * `training_graphql_errors_total{code}` counts the codes clients received:
 * during an outage (here: the pools' only connections are held, so every
 * request gives up waiting for one) the retryable SERVICE_UNAVAILABLE answers
 * were once counted as INTERNAL_SERVER_ERROR, the raw error's code before
 * masking.
 */
it('counts outage errors as SERVICE_UNAVAILABLE, exactly as many as clients got', async () => {
  const db = await createTestDatabase();
  // Long enough for the first connection on a busy machine; every request then waits this long and gives up.
  const orm = await createOrm({ url: db.url, poolMax: 1, acquireTimeoutMs: 1500 });
  const app = await startApp(loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: db.url }), orm, pino({ level: 'silent' }));
  const held = await holdEveryConnection(orm);
  try {
    const query = `{ activeProgram { name } sessions { edges { node { sets { reps } } } } programs { id } }`;
    const responses = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const response = await fetch(`${app.url}graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': DEFAULT_USER }, body: JSON.stringify({ query }) });
        return (await response.json()) as { errors?: { extensions: { code: string } }[] };
      }),
    );
    const received = new Map<string, number>();
    for (const error of responses.flatMap((r) => r.errors ?? [])) received.set(error.extensions.code, (received.get(error.extensions.code) ?? 0) + 1);
    expect([...received.keys()]).toEqual(['SERVICE_UNAVAILABLE']);
    expect(received.get('SERVICE_UNAVAILABLE')).toBeGreaterThanOrEqual(5);

    const counted = (await app.metrics.errors.get()).values.map((v) => [v.labels.code, v.value]);
    expect(counted).toEqual([['SERVICE_UNAVAILABLE', received.get('SERVICE_UNAVAILABLE')]]);
  } finally {
    await held.release();
    await app.close();
    await orm.close();
    await db.close();
  }
});
