import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { locateDatabase } from '../../src/db/database.js';
import { embeddedUrl } from '../../src/db/embedded-database.js';
import { createTestDatabase } from '../support/test-database.js';

const run = promisify(execFile);

describe('database location', () => {
  it('migrates with MIGRATION_DATABASE_URL when set, else DATABASE_URL; serves with DATABASE_URL', async () => {
    const service = 'postgres://service@db.example/training';
    const owner = 'postgres://owner@db.example/training';
    const both = await locateDatabase(loadConfig({ DATABASE_URL: service, MIGRATION_DATABASE_URL: owner }));
    expect({ url: both.url, migrationUrl: both.migrationUrl }).toEqual({ url: service, migrationUrl: owner });
    const one = await locateDatabase(loadConfig({ DATABASE_URL: service }));
    expect({ url: one.url, migrationUrl: one.migrationUrl }).toEqual({ url: service, migrationUrl: service });
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: owner })).toThrow(/MIGRATION_DATABASE_URL needs DATABASE_URL/);
  });

  it('`npm run migrate -- up` connects as MIGRATION_DATABASE_URL, which the service login could not migrate as', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const migrate = (env: Record<string, string>) =>
        run('node_modules/.bin/tsx', ['src/cli/migrate.ts', 'up'], { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '', ...env } });
      await expect(migrate({ DATABASE_URL: db.url })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/permission denied for schema public/) });
      const { stdout } = await migrate({ DATABASE_URL: db.url, MIGRATION_DATABASE_URL: db.adminUrl });
      expect(stdout).toMatch(/applied Migration0008RuntimeRole/);
      const { rows } = await db.sql.query(`select tableowner from pg_tables where tablename = 'workout_sessions'`);
      expect(rows).toEqual([{ tableowner: 'postgres' }]);
    } finally {
      await db.close();
    }
  });
});

describe("npm start's embedded default", () => {
  it('runs the service as the login role training_service (in training_runtime), not as the superuser', async () => {
    // DATA_DIR/pg is the test server's own cluster: `npm start` attaches to it as to a running embedded server.
    const dataDir = mkdtempSync(join(tmpdir(), 'embedded-default-'));
    symlinkSync(process.env.TEST_PG_DIR!, join(dataDir, 'pg'));
    const child = spawn('node_modules/.bin/tsx', ['src/cli/start.ts'], {
      env: { ...process.env, DATABASE_URL: '', MIGRATION_DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', SEED_DEMO_DATA: 'on', NODE_OPTIONS: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const admin = new pg.Client(embeddedUrl(Number(process.env.TEST_PG_PORT), 'postgres'));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line in: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /training subgraph ready at (http:\/\/\S+)"/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const response = await fetch(`${url}graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': '11111111-1111-4111-8111-111111111111' },
        body: JSON.stringify({ query: '{ activeProgram { name } }' }),
      });
      expect(((await response.json()) as any).data.activeProgram.name).toEqual(expect.any(String));
      await admin.connect();
      const { rows } = await admin.query(
        `select distinct a.usename::text, r.rolsuper from pg_stat_activity a join pg_roles r on r.rolname = a.usename
         where a.datname = 'training' and a.application_name = 'training-subgraph'`,
      );
      expect(rows).toEqual([{ usename: 'training_service', rolsuper: false }]);
      expect(out).not.toMatch(/switch off the history guards/);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await admin.end().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
