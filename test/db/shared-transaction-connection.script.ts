import { z } from 'zod';
import { createOrm } from '../../src/db/orm.js';
import { queryRows } from '../../src/db/sql.js';
import { inReadSnapshot } from '../../src/reads/read-snapshot.js';
import { selectVersionTrees } from '../../src/store/version-store.js';

/**
 * Run by `shared-transaction-connection.test.ts` in a process of its own
 * (`node --trace-deprecation`: jest's sandbox does not see the process's
 * warnings): sends statements at once on one read snapshot's connection, ours
 * and MikroORM's, as shadow reads and `verify` do, and prints their answers.
 */
const USER = '16000000-0000-4000-8000-000000000002';
const orm = await createOrm({ url: process.argv[2]!, poolMax: 2 });
try {
  const answers = await inReadSnapshot(orm.em, (tx) =>
    Promise.all([
      ...[1, 2, 3, 4].map((n) => queryRows(tx, 'echo', 'select ?::int as n, pg_sleep(0.01)::text as slept', [n], z.object({ n: z.number(), slept: z.string() }))),
      selectVersionTrees(tx, USER, [USER]),
      tx.execute('select 5 as n'),
      queryRows(tx, 'echoPrepared', 'select ?::int as n', [6], z.object({ n: z.number() }), { prepare: true }),
    ]),
  );
  console.log(JSON.stringify(answers.map((rows) => (rows as { n: number }[])[0]?.n ?? 'none')));
} finally {
  await orm.close();
}
