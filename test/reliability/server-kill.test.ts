import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { contentHash } from '../../src/domain/content-hash.js';
import { readLegacyBlob } from '../../src/domain/legacy-blob.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * SIGKILL of the server in the middle of modifyProgram bursts: afterwards
 * every acknowledged edit is in exactly one version, nothing half-written
 * exists (each program's blob and current version agree, numbers contiguous),
 * and a restarted server serves on.
 */
const USER = '75000000-0000-4000-8000-000000000001';
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), SEED_DEMO_DATA: 'off', PROGRAM_VERSIONING_WRITES: 'on', NODE_OPTIONS: '', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false);
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

async function gql(port: number, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': USER },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as any;
}

describe('server killed in the middle of write bursts', () => {
  it('keeps every acknowledged edit and leaves no partial write', async () => {
    const port = await freePort();
    let server = await startServer(port);
    const programs: string[] = [];
    for (let i = 0; i < 4; i++) programs.push((await gql(port, CREATE_PROGRAM, { input: upperLower(`P${i} edit 0`) })).data.createProgram.id);
    const acknowledged = new Map<string, string[]>(programs.map((id) => [id, []]));
    let sent = 0;
    const burst = async (id: string) => {
      for (let k = 1; ; k++) {
        const name = `${id.slice(0, 4)} edit ${k}`;
        sent += 1;
        const result = await gql(port, MODIFY_PROGRAM, { id, input: upperLower(name) }).catch(() => null);
        if (!result?.data?.modifyProgram) return;
        acknowledged.get(id)!.push(name);
      }
    };
    const bursts = Promise.all(programs.map(burst));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    server.kill('SIGKILL');
    await bursts;
    expect(sent).toBeGreaterThan(programs.length);

    server = await startServer(port);
    try {
      const { rows: versions } = await db.sql.query(
        'select program_id, version_number, name from program_versions where program_id = any($1) order by program_id, version_number',
        [programs],
      );
      for (const id of programs) {
        const mine = versions.filter((v) => v.program_id === id);
        expect(mine.map((v) => v.version_number)).toEqual(mine.map((_, i) => i + 1));
        const names = mine.map((v) => v.name);
        for (const name of acknowledged.get(id)!) expect(names.filter((n) => n === name)).toHaveLength(1);
      }
      const { rows } = await db.sql.query(
        `select p.id, p.name, p.program_json, p.current_version_id = p.legacy_json_version_id as in_sync, v.content_hash, v.name as version_name
         from programs p join program_versions v on v.id = p.current_version_id where p.id = any($1)`,
        [programs],
      );
      for (const row of rows) {
        expect(row.in_sync).toBe(true);
        expect(row.version_name).toBe(row.name);
        const read = readLegacyBlob(row.id, row.program_json);
        expect(read.ok && contentHash(row.name, read.content)).toBe(row.content_hash);
      }
      const after = await gql(port, MODIFY_PROGRAM, { id: programs[0], input: upperLower('after the crash') });
      expect(after.data.modifyProgram.id).toBe(programs[0]);
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  });
});
