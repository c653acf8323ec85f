import pg from 'pg';
import { attachReadReplica, ReadReplica, readReplicaOf, type ReplicaFailure, type ReplicaOutcome } from '../../src/db/read-replica.js';
import { createOrm } from '../../src/db/orm.js';
import { embeddedUrl, SERVICE_LOGIN } from '../../src/db/embedded-database.js';
import { VersionTreeCache } from '../../src/store/version-tree-cache.js';
import { freePort, sleep } from '../cli/processes.js';
import { upperLower } from '../support/fixtures.js';
import { ok, startTestApp, DEFAULT_USER, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * The read replica's rules that need no standby: a replica that is down or
 * slower than its bound answers nothing (never an error) and is skipped for
 * a while; reads route to it only outside transactions; what it lacks comes
 * from the primary. The real standby is test/replica/read-replica.test.ts.
 */

let t: TestApp;
let empty: TestDatabase;
const closing: (() => Promise<void>)[] = [];

beforeAll(async () => {
  t = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on' });
  empty = await createTestDatabase();
});

afterAll(async () => {
  for (const close of closing.reverse()) await close();
  await empty?.close();
  await t?.close();
});

/** A replica on `url` that records what it counts. */
function replicaOn(url: string, options: { timeoutMs?: number; retryAfterMs?: number } = {}) {
  const rows: [ReplicaOutcome, number][] = [];
  const failures: ReplicaFailure[] = [];
  const replica = new ReadReplica({
    orm: { url, poolMax: 2, acquireTimeoutMs: 2000 },
    timeoutMs: options.timeoutMs ?? 5000,
    retryAfterMs: options.retryAfterMs ?? 60_000,
    onRows: (outcome, count) => rows.push([outcome, count]),
    onFailure: (reason) => failures.push(reason),
  });
  closing.push(() => replica.close());
  return { replica, rows, failures };
}

const selectOne = (em: import('@mikro-orm/postgresql').EntityManager) => em.getConnection().execute<{ one: number }[]>('select 1 as one');

describe('ReadReplica', () => {
  it('answers nothing when the replica is down, then skips it until the retry delay has passed', async () => {
    const down = `postgres://${SERVICE_LOGIN.user}:${SERVICE_LOGIN.password}@127.0.0.1:${await freePort()}/training`;
    const { replica, failures } = replicaOn(down, { retryAfterMs: 20 });

    expect(await replica.read(selectOne)).toBeUndefined();
    expect(failures).toEqual(['error']);
    expect(replica.available).toBe(false);
    expect(await replica.read(selectOne)).toBeUndefined();
    expect(failures).toEqual(['error']); // skipped: not tried again

    await sleep(50);
    expect(replica.available).toBe(true);
    expect(await replica.read(selectOne)).toBeUndefined();
    expect(failures).toEqual(['error', 'error']);
  });

  it('gives up on a read slower than its bound', async () => {
    const { replica, failures } = replicaOn(t.db.url, { timeoutMs: 200 });
    expect(await replica.read(async (em) => em.getConnection().execute('select pg_sleep(3)'))).toBeUndefined();
    expect(failures).toEqual(['timeout']);
  });

  it('serves reads of the primary it is attached to, outside transactions only', async () => {
    const { replica } = replicaOn(t.db.url);
    const detach = attachReadReplica(t.db.orm, replica);
    try {
      const em = t.db.orm.em.fork();
      expect(readReplicaOf(em)).toBe(replica);
      await em.transactional(async (tx) => expect(readReplicaOf(tx)).toBeUndefined());
      expect(readReplicaOf(empty.orm.em.fork())).toBeUndefined();
      expect(await replica.read(selectOne)).toEqual([{ one: 1 }]);
    } finally {
      detach();
    }
    expect(readReplicaOf(t.db.orm.em.fork())).toBeUndefined();
  });
});

describe('version trees with a read replica', () => {
  let versionId: string;

  beforeAll(async () => {
    const created = ok(await t.gql(`mutation ($input: ProgramInput!) { createProgram(input: $input) { id } }`, { input: upperLower('Replicated') })).createProgram;
    const { rows } = await t.db.sql.query<{ id: string }>('select id from program_versions where program_id = $1', [created.id]);
    versionId = rows[0]!.id;
  });

  /** Loads the tree through a cache of its own (the process cache may hold it already), with `replica` attached to the primary. */
  async function loadWith(replica: ReadReplica, inTransaction = false) {
    const detach = attachReadReplica(t.db.orm, replica);
    try {
      const cache = new VersionTreeCache();
      const em = t.db.orm.em.fork();
      const load = (on: typeof em) => cache.load(on, DEFAULT_USER, [versionId]);
      return inTransaction ? await em.transactional((tx) => load(tx)) : await load(em);
    } finally {
      detach();
    }
  }

  it('reads from the replica when it has the version', async () => {
    const { replica, rows } = replicaOn(t.db.url);
    expect((await loadWith(replica)).get(versionId)?.name).toBe('Replicated');
    expect(rows).toEqual([['hit', 1]]);
  });

  it('reads from the primary what the replica does not have', async () => {
    // A database without the version stands in for a replica that has not replayed it yet.
    const { replica, rows } = replicaOn(empty.url);
    expect((await loadWith(replica)).get(versionId)?.name).toBe('Replicated');
    expect(rows).toEqual([['miss', 1]]);
  });

  it('reads from the primary when the replica is down', async () => {
    const { replica, rows, failures } = replicaOn(embeddedUrl(await freePort(), 'training', SERVICE_LOGIN));
    expect((await loadWith(replica)).get(versionId)?.name).toBe('Replicated');
    expect(rows).toEqual([['fallback', 1]]);
    expect(failures).toEqual(['error']);
  });

  it('never reads from the replica inside a transaction', async () => {
    const { replica, rows } = replicaOn(empty.url);
    expect((await loadWith(replica, true)).get(versionId)?.name).toBe('Replicated');
    expect(rows).toEqual([]);
  });
});
