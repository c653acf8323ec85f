import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A transaction's one connection serves several statements at once: shadow
 * reads and `verify` run both read paths in one snapshot, each with its
 * loaders. pg queued them on the client itself and printed a deprecation
 * warning for it (once per soak run); pg 9 refuses them. The statements must
 * go out one after the other, each with its own answer, and pg must never be
 * handed a second one while the first is in flight.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

it("statements sent at once on a transaction's connection, ours and MikroORM's, each get their answer, with no deprecation warning from pg", async () => {
  const script = join(import.meta.dirname, 'shared-transaction-connection.script.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--trace-deprecation', script, db.url], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  expect(stderr).not.toMatch(/DeprecationWarning/);
  expect({ code, answers: stdout.trim() }).toEqual({ code: 0, answers: '[1,2,3,4,"none",5,6]' });
});
