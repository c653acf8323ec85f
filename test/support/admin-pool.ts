import pg from 'pg';

/**
 * A plain `pg` pool for a test's fixtures and assertions (as the superuser),
 * outside the app's own pools.
 *
 * A test ends the server under its idle connections on purpose: it stops its
 * own PostgreSQL in `afterAll` right after `end()` (which does not wait for
 * the sockets to close), or terminates backends. PostgreSQL then sends each
 * idle connection "terminating connection due to administrator command"
 * (57P01), and pg-pool re-emits it as the pool's `error` event; with no
 * listener that is an uncaught exception, and jest fails the whole file
 * ("Test suite failed to run") after every test in it passed. An idle
 * connection that fails is simply dropped by the pool, so ignoring the event
 * is right here; the app's own pool logs it instead (`statement-pool.ts`).
 */
export function adminPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {});
  return pool;
}
