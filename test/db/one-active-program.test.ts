import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const USER = '20000000-0000-4000-8000-000000000001';

describe('the database enforces at most one active program per user', () => {
  it('refuses a second active program for the same user, even from raw SQL', async () => {
    const insert = (id: string, active: boolean, user = USER) =>
      db.sql.query(`insert into programs (id, user_id, name, is_active, program_json) values ($1, $2, 'P', $3, '{"workouts":[],"schedule":[]}')`, [id, user, active]);
    await insert('20000000-0000-4000-8000-00000000000a', true);
    await insert('20000000-0000-4000-8000-00000000000b', false);
    await expect(insert('20000000-0000-4000-8000-00000000000c', true)).rejects.toThrow(/programs_one_active_per_user/);
    await expect(db.sql.query(`update programs set is_active = true where id = '20000000-0000-4000-8000-00000000000b'`)).rejects.toThrow(
      /programs_one_active_per_user/,
    );
    await insert('20000000-0000-4000-8000-00000000000d', true, '20000000-0000-4000-8000-000000000002');
  });
});
