import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const run = promisify(execFile);
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params), new Date('2026-11-20T12:00:00Z'));
});
afterAll(async () => db.close());

/** Runs `npm run <script>` as an operator would, against the test database; never throws on a non-zero exit. */
async function command(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', [`src/cli/${script}.ts`, ...args], {
      env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: '' },
      cwd: process.cwd(),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('operator commands', () => {
  it('backfill: refuses bad usage with exit 2, does a dry run that writes nothing, then a real run with a JSON report', async () => {
    expect((await command('backfill', '--batch-size', 'lots')).code).toBe(2);
    expect((await command('backfill', '--bogus')).code).toBe(2);
    const dry = await command('backfill', '--dry-run', '--report', join(tmpdir(), `dry-${db.name}.json`));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/DRY RUN \(nothing written\)/);
    expect((await db.sql.query('select count(*)::int as n from program_versions')).rows[0].n).toBe(0);
    const reportFile = join(tmpdir(), `report-${db.name}.json`);
    const real = await command('backfill', '--batch-size', '25', '--report', reportFile);
    expect(real.code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(Object.keys(report).slice(0, 4)).toEqual(['dryRun', 'programs', 'sessions', 'sets']);
    expect(report).toMatchObject({ dryRun: false, programs: { total: 5, versioned: 5 }, unmatched: expect.any(Array) });
    expect(report.sessions.total).toBe(report.sessions.linked + report.sessions.linkedByName + report.sessions.unmatched);
    expect(real.stderr).toMatch(/rows\/s/);
  });

  it('verify: exit 0 when the paths agree, exit 1 with the differing paths for a planted mismatch', async () => {
    const clean = await command('verify');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/OK: legacy and versioned reads agree/);
    const { rows } = await db.sql.query(`select id from programs where user_id = '11111111-1111-4111-8111-111111111111' and is_active`);
    await db.sql.query(`update programs set program_json = jsonb_set(program_json, '{workouts,1,exercises,0,name}', '"Planted"') where id = $1`, [rows[0].id]);
    const reportFile = join(tmpdir(), `verify-${db.name}.json`);
    const planted = await command('verify', '--report', reportFile);
    expect(planted.code).toBe(1);
    expect(planted.stdout).toMatch(/MISMATCH/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.ok).toBe(false);
    expect(report.mismatches).toContainEqual(expect.objectContaining({ kind: 'program', id: rows[0].id, reason: 'CONTENT_DIFFERS', paths: ['workouts.1.exercises.0.name'] }));
  });

  it('restore-legacy: nothing to restore while blobs are current', async () => {
    const result = await command('restore-legacy');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/nothing to restore/);
  });
});
