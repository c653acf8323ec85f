import type { MikroORM } from '@mikro-orm/postgresql';

const LOCK_KEY = 73_401;

/**
 * Takes every connection an ORM with `poolMax: 1` may open, through public
 * APIs, and gives them back: the statement pool's (an open transaction, as a
 * slow write would hold it; transactions and hand-written statements share
 * that pool) and MikroORM's own (an ORM statement outside any transaction,
 * waiting for an advisory lock that transaction holds).
 */
export async function holdEveryConnection(orm: MikroORM): Promise<{ release(): Promise<void> }> {
  const em = orm.em.fork();
  await em.begin();
  await em.execute(`select pg_advisory_xact_lock(${LOCK_KEY})`);
  const waiting = orm.em
    .fork()
    .execute(`select pg_advisory_xact_lock(${LOCK_KEY})`)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  // Held once that statement is on the server, waiting.
  for (;;) {
    const [row] = await em.execute<{ waiting: number }[]>(`select count(*)::int as waiting from pg_locks where locktype = 'advisory' and objid = ${LOCK_KEY} and not granted`);
    if (row!.waiting > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await em.rollback();
      const error = await waiting;
      if (error) throw error;
    },
  };
}
