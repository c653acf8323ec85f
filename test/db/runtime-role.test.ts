import { readFileSync } from 'node:fs';
import pg from 'pg';
import { embeddedUrl } from '../../src/db/embedded-database.js';
import { historyRowIds, insertHistoryRows } from '../support/history-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Least privilege, regression: the history guards could be switched off from
 * the service's own connection (the embedded default ran as the superuser; on
 * `DATABASE_URL` the service owned its tables). Now the service connects as a
 * login role in `training_runtime` (as `db.url` does), and every way around
 * the guards is refused by the database's privileges.
 */
let db: TestDatabase;
const { PROGRAM, VERSION, WORKOUT_VERSION, SESSION, SET } = historyRowIds('60000000');

beforeAll(async () => {
  db = await createTestDatabase();
  await insertHistoryRows(db.sql, historyRowIds('60000000'), { completed: true });
});
afterAll(async () => db.close());

/** Runs `statements` as the service's login, in one transaction that is always rolled back. */
async function asService(...statements: [string, unknown[]?][]): Promise<void> {
  const client = new pg.Client(db.url);
  await client.connect();
  try {
    await client.query('begin');
    for (const [sql, params] of statements) await client.query(sql, params ?? []);
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end();
  }
}

async function historyUnchanged(): Promise<void> {
  const { rows } = await db.sql.query(
    `select s.completed_at is not null as completed, st.reps, st.exercise_name, (select count(*)::int from workout_session_sets) as sets
     from workout_sessions s join workout_session_sets st on st.session_id = s.id where s.id = $1`,
    [SESSION],
  );
  expect(rows).toEqual([{ completed: true, reps: 5, exercise_name: 'E', sets: 1 }]);
}

describe("the service's login cannot get around the history guards", () => {
  it('connects as a login role in training_runtime, not as a superuser', async () => {
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      const { rows } = await client.query(
        `select r.rolsuper, pg_has_role(current_user, 'training_runtime', 'member') as runtime from pg_roles r where r.rolname = current_user`,
      );
      expect(rows).toEqual([{ rolsuper: false, runtime: true }]);
    } finally {
      await client.end();
    }
  });

  it('refuses session_replication_role = replica (which skips every trigger)', async () => {
    await expect(
      asService([`set local session_replication_role = replica`], [`delete from workout_session_sets where id = $1`, [SET]]),
    ).rejects.toThrow(/permission denied to set parameter "session_replication_role"/);
    await historyUnchanged();
  });

  it.each([
    ['DISABLE TRIGGER', `alter table workout_session_sets disable trigger workout_session_sets_no_delete`],
    ['DISABLE TRIGGER ALL', `alter table workout_sessions disable trigger all`],
    ['ALTER COLUMN TYPE', `alter table workout_session_sets alter column reps type integer using 0`],
    ['DROP TABLE', `drop table workout_session_sets`],
    ['DROP TRIGGER', `drop trigger program_versions_immutable on program_versions`],
  ])('refuses %s (only an owner may alter a table)', async (_, sql) => {
    await expect(asService([sql])).rejects.toThrow(/must be owner/);
    await historyUnchanged();
  });

  it.each([
    ['DELETE a set', `delete from workout_session_sets where id = '${SET}'`, 'workout_session_sets'],
    ['DELETE a session', `delete from workout_sessions where id = '${SESSION}'`, 'workout_sessions'],
    ['TRUNCATE sets', `truncate workout_session_sets`, 'workout_session_sets'],
    ['TRUNCATE sessions', `truncate workout_sessions cascade`, 'workout_sessions'],
    ['UPDATE a logged value', `update workout_session_sets set reps = 6 where id = '${SET}'`, 'workout_session_sets'],
    ['UPDATE a logged name', `update workout_session_sets set exercise_name = 'Renamed' where id = '${SET}'`, 'workout_session_sets'],
    ['UPDATE a start time', `update workout_sessions set started_at = now() - interval '1 day' where id = '${SESSION}'`, 'workout_sessions'],
    ['UPDATE a version row', `update program_versions set name = 'X' where id = '${VERSION}'`, 'program_versions'],
    ['DELETE a version row', `delete from program_version_workouts where id = '${WORKOUT_VERSION}'`, 'program_version_workouts'],
    ['DELETE a program', `delete from programs where id = '${PROGRAM}'`, 'programs'],
  ])('refuses %s: no such privilege', async (_, sql, table) => {
    await expect(asService([sql])).rejects.toThrow(new RegExp(`permission denied for table ${table}`));
    await historyUnchanged();
  });

  it('may fill a column it is granted, but the trigger still refuses overwriting a filled one', async () => {
    await expect(asService([`update workout_sessions set completed_at = now() + interval '1 hour' where id = $1`, [SESSION]])).rejects.toThrow(
      /append-only: .*completed_at/,
    );
    await historyUnchanged();
  });

  it('refuses CREATE TABLE in the public schema', async () => {
    await expect(asService([`create table public.shadow_history (id uuid)`])).rejects.toThrow(/permission denied for schema public/);
  });
});

/**
 * What `training_runtime` may do, table by table: exactly this, read from the
 * catalog as effective privileges (PUBLIC and inherited grants included). A
 * new table fails here until its migration grants it (`grantToRuntime`) and
 * it is listed below; so does any grant beyond what the code needs.
 */
const INTENDED: Record<string, { table: string[]; updateColumns?: string[] }> = {
  programs: { table: ['INSERT', 'SELECT', 'UPDATE'] },
  workout_sessions: { table: ['INSERT', 'SELECT'], updateColumns: ['completed_at', 'program_version_id', 'workout_name_snapshot', 'workout_version_id'] },
  workout_session_sets: { table: ['INSERT', 'SELECT'], updateColumns: ['exercise_version_id'] },
  program_versions: { table: ['INSERT', 'SELECT'] },
  program_version_workouts: { table: ['INSERT', 'SELECT'] },
  program_version_exercises: { table: ['INSERT', 'SELECT'] },
  program_version_schedule: { table: ['INSERT', 'SELECT'] },
  backfill_runs: { table: ['INSERT', 'SELECT', 'UPDATE'] },
  backfill_items: { table: ['INSERT', 'SELECT'] },
  schema_migrations: { table: ['SELECT'] },
  history_watermarks: { table: ['SELECT'] },
};

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'];

describe('training_runtime', () => {
  it('holds exactly the intended privileges on every table of the schema', async () => {
    const { rows } = await db.sql.query(
      `select c.relname as table,
         array(select p from unnest($1::text[]) p where has_table_privilege('training_runtime', c.oid, p) order by p) as privileges,
         array(select a.attname::text from pg_attribute a
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 and not has_table_privilege('training_runtime', c.oid, 'UPDATE')
                 and has_column_privilege('training_runtime', c.oid, a.attnum, 'UPDATE')
               order by a.attname) as update_columns
       from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
      [TABLE_PRIVILEGES],
    );
    const actual = Object.fromEntries(
      rows.map((r) => [r.table, r.update_columns.length ? { table: r.privileges, updateColumns: r.update_columns } : { table: r.privileges }]),
    );
    expect(actual).toEqual(INTENDED);
  });

  it('holds nothing on sequences, may use but not create in the schema, and may not set session_replication_role', async () => {
    const { rows } = await db.sql.query(
      `select
         (select count(*)::int from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'S'
            and (has_sequence_privilege('training_runtime', c.oid, 'USAGE') or has_sequence_privilege('training_runtime', c.oid, 'UPDATE'))) as sequences,
         has_schema_privilege('training_runtime', 'public', 'USAGE') as usage,
         has_schema_privilege('training_runtime', 'public', 'CREATE') as "create",
         has_parameter_privilege('training_runtime', 'session_replication_role', 'SET') as replica`,
    );
    expect(rows).toEqual([{ sequences: 0, usage: true, create: false, replica: false }]);
  });

  it('is a NOLOGIN role with no special attributes, a member of no role, and owns nothing', async () => {
    const { rows } = await db.sql.query(
      `select r.rolcanlogin, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls, r.rolinherit,
         (select count(*)::int from pg_auth_members m where m.member = r.oid) as member_of,
         (select count(*)::int from pg_shdepend d where d.refobjid = r.oid and d.deptype = 'o') as owns
       from pg_roles r where r.rolname = 'training_runtime'`,
    );
    expect(rows).toEqual([
      { rolcanlogin: false, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, rolinherit: true, member_of: 0, owns: 0 },
    ]);
  });
});

describe("the runbook's Database roles section", () => {
  const section = readFileSync('docs/runbook.md', 'utf8').split('\n## Database roles\n')[1]!.split('\n## ')[0]!;
  const [createLogin, checkGrants] = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('creates a service login that works under least privilege, and its queries list what training_runtime may do', async () => {
    await db.sql.query(createLogin!);
    const [, user, password] = /create role (\w+) login password '([^']+)'/.exec(createLogin!)!;
    const client = new pg.Client(embeddedUrl(Number(process.env.TEST_PG_PORT), db.name, { user: user!, password: password! }));
    await client.connect();
    try {
      expect((await client.query(`select count(*)::int as n from workout_sessions`)).rows).toEqual([{ n: 1 }]);
      await expect(client.query(`delete from workout_sessions`)).rejects.toThrow(/permission denied/);
      const [tables, columns] = (await client.query(checkGrants!)) as unknown as pg.QueryResult[];
      expect(tables!.rows).toContainEqual({ table_name: 'programs', privileges: 'INSERT, SELECT, UPDATE' });
      expect(tables!.rows).toContainEqual({ table_name: 'workout_session_sets', privileges: 'INSERT, SELECT' });
      expect(columns!.rows).toEqual([
        ...INTENDED.workout_session_sets!.updateColumns!.map((c) => ({ table_name: 'workout_session_sets', column_name: c })),
        ...INTENDED.workout_sessions!.updateColumns!.map((c) => ({ table_name: 'workout_sessions', column_name: c })),
      ]);
    } finally {
      await client.end();
    }
  });
});
