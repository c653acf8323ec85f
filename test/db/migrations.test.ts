import { migrateDown, migrateUp, migrationStatus, MigrationRefused } from '../../src/db/migrator.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
});
afterAll(async () => db.close());

async function columns(table: string) {
  const { rows } = await db.sql.query(
    `select column_name, data_type, is_nullable, column_default, numeric_precision, numeric_scale
     from information_schema.columns where table_name = $1 order by ordinal_position`,
    [table],
  );
  return rows.map((r) => [r.column_name, r.data_type, r.is_nullable, r.column_default, r.numeric_precision, r.numeric_scale]);
}

describe('schema migrations', () => {
  it('creates the legacy tables exactly as production has them', async () => {
    await (await db.migrationOrm()).getMigrator().up({ to: 'Migration0001LegacySchema' });
    expect(await columns('programs')).toEqual([
      ['id', 'uuid', 'NO', null, null, null],
      ['user_id', 'uuid', 'NO', null, null, null],
      ['name', 'text', 'NO', null, null, null],
      ['is_active', 'boolean', 'NO', 'false', null, null],
      ['program_json', 'jsonb', 'NO', null, null, null],
      ['created_at', 'timestamp with time zone', 'NO', 'now()', null, null],
      ['updated_at', 'timestamp with time zone', 'NO', 'now()', null, null],
      ['deleted_at', 'timestamp with time zone', 'YES', null, null, null],
    ]);
    expect(await columns('workout_sessions')).toEqual([
      ['id', 'uuid', 'NO', null, null, null],
      ['user_id', 'uuid', 'NO', null, null, null],
      ['program_id', 'uuid', 'YES', null, null, null],
      ['workout_id', 'text', 'YES', null, null, null],
      ['workout_name_snapshot', 'text', 'YES', null, null, null],
      ['started_at', 'timestamp with time zone', 'NO', null, null, null],
      ['completed_at', 'timestamp with time zone', 'YES', null, null, null],
      ['notes', 'text', 'YES', null, null, null],
    ]);
    expect(await columns('workout_session_sets')).toEqual([
      ['id', 'uuid', 'NO', null, null, null],
      ['session_id', 'uuid', 'NO', null, null, null],
      ['user_id', 'uuid', 'NO', null, null, null],
      ['exercise_id', 'text', 'YES', null, null, null],
      ['exercise_name', 'text', 'NO', null, null, null],
      ['set_number', 'integer', 'NO', null, 32, 0],
      ['reps', 'integer', 'YES', null, 32, 0],
      ['weight_kg', 'numeric', 'YES', null, 6, 2],
      ['rpe', 'numeric', 'YES', null, 3, 1],
      ['completed_at', 'timestamp with time zone', 'YES', null, null, null],
    ]);
    const { rows: fks } = await db.sql.query(
      `select conrelid::regclass::text as tbl, pg_get_constraintdef(oid) as def from pg_constraint where contype = 'f' order by 1`,
    );
    expect(fks).toEqual([
      { tbl: 'workout_session_sets', def: 'FOREIGN KEY (session_id) REFERENCES workout_sessions(id)' },
      { tbl: 'workout_sessions', def: 'FOREIGN KEY (program_id) REFERENCES programs(id)' },
    ]);
  });

  it('reverts the latest migration only, re-applies it, and refuses to revert the legacy schema', async () => {
    const orm = await db.migrationOrm();
    await migrateUp(orm);
    const all = (await migrationStatus(orm)).map((m) => m.name);
    expect((await migrationStatus(orm)).every((m) => m.applied)).toBe(true);
    for (const name of [...all].reverse().slice(0, -1)) expect(await migrateDown(orm)).toBe(name);
    await expect(migrateDown(orm)).rejects.toBeInstanceOf(MigrationRefused);
    const { rows } = await db.sql.query(`select to_regclass('programs') as t`);
    expect(rows[0].t).toBe('programs');
    expect(await migrateUp(orm)).toEqual(all.slice(1));
  });
});
