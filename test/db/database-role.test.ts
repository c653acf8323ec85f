import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import { checkDatabaseRole, PrivilegedRoleRefused } from '../../src/db/database-role.js';
import { embeddedUrl } from '../../src/db/embedded-database.js';
import { createOrm } from '../../src/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A service whose database role is a superuser, or owns the history tables
 * (or is a member of their owner), can switch the history guards off: it is
 * warned about at start-up and refused in production unless the operator
 * sets ALLOW_PRIVILEGED_DB_ROLE=on.
 */
let db: TestDatabase;
const suffix = randomBytes(4).toString('hex');
const OWNER = { user: `history_owner_${suffix}`, password: 'owner-password' };
const DEPLOYER = { user: `deployer_${suffix}`, password: 'deployer-password' };

beforeAll(async () => {
  db = await createTestDatabase();
  // As on many servers: the application's login created the tables (owns them), or is a member of the role that did.
  await db.sql.query(`create role ${OWNER.user} login password '${OWNER.password}'`);
  await db.sql.query(`alter table workout_sessions owner to ${OWNER.user}`);
  await db.sql.query(`create role ${DEPLOYER.user} login password '${DEPLOYER.password}' in role ${OWNER.user}`);
});
afterAll(async () => db.close());

const development = { NODE_ENV: 'development', ALLOW_PRIVILEGED_DB_ROLE: 'off' } as const;
const production = { NODE_ENV: 'production', ALLOW_PRIVILEGED_DB_ROLE: 'off' } as const;

async function withOrm<T>(url: string, work: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await createOrm({ url, poolMax: 1 });
  try {
    return await work(orm);
  } finally {
    await orm.close();
  }
}

describe('the start-up database role check', () => {
  it('passes the service login (in training_runtime) silently, in production too', async () => {
    const warnings: string[] = [];
    const role = await checkDatabaseRole(db.orm, production, (w) => warnings.push(w));
    expect(role).toEqual({ name: 'training_service', superuser: false, ownsHistory: false });
    expect(warnings).toEqual([]);
  });

  it('warns about a superuser; refuses it in production unless ALLOW_PRIVILEGED_DB_ROLE=on', async () => {
    const orm = await db.migrationOrm();
    const warnings: string[] = [];
    await checkDatabaseRole(orm, development, (w) => warnings.push(w));
    expect(warnings).toEqual([expect.stringMatching(/^database role "postgres" is a superuser and owns the history tables, so it can switch off the history guards/)]);
    await expect(checkDatabaseRole(orm, production, () => {})).rejects.toThrow(PrivilegedRoleRefused);
    await expect(checkDatabaseRole(orm, production, () => {})).rejects.toThrow(/unless ALLOW_PRIVILEGED_DB_ROLE=on$/);
    const allowed: string[] = [];
    await checkDatabaseRole(orm, { NODE_ENV: 'production', ALLOW_PRIVILEGED_DB_ROLE: 'on' }, (w) => allowed.push(w));
    expect(allowed).toHaveLength(1);
  });

  it.each([
    ['the owner of a history table', OWNER],
    ['a member of that owner', DEPLOYER],
  ])('treats %s as privileged, though not a superuser', async (_, login) => {
    const url = embeddedUrl(Number(process.env.TEST_PG_PORT), db.name, login);
    await withOrm(url, async (orm) => {
      const warnings: string[] = [];
      expect(await checkDatabaseRole(orm, development, (w) => warnings.push(w))).toEqual({ name: login.user, superuser: false, ownsHistory: true });
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^database role "${login.user}" owns the history tables`))]);
      await expect(checkDatabaseRole(orm, production, () => {})).rejects.toThrow(PrivilegedRoleRefused);
    });
  });
});

const run = promisify(execFile);

/** Runs `src/cli/<script>.ts` as `npm run` would; never throws on a non-zero exit. */
async function cli(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', [`src/cli/${script}.ts`], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env },
      // A `start` that does not refuse would serve forever: SIGTERM stops it (exit 0), and the test fails on the code.
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('commands on a privileged role', () => {
  const productionEnv = () => ({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: db.adminUrl, PORT: '0', SEED_DEMO_DATA: 'off' });

  it.each(['verify', 'start'])('%s refuses to run in production: exit 2, one line naming ALLOW_PRIVILEGED_DB_ROLE', async (script) => {
    const result = await cli(script, productionEnv());
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^database role "postgres" is a superuser .*unless ALLOW_PRIVILEGED_DB_ROLE=on$/)]);
  });

  it('verify runs with ALLOW_PRIVILEGED_DB_ROLE=on, with a warning', async () => {
    const result = await cli('verify', { ...productionEnv(), ALLOW_PRIVILEGED_DB_ROLE: 'on' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: database role "postgres" is a superuser/m);
  });
});
