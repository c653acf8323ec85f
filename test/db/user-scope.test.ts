import { userScopeViolations } from './user-scope.js';

/** The reader behind `user-scoped-statements.test.ts`: what it takes as naming the user, and what not. */

const tables = (sql: string) => userScopeViolations(sql).map((v) => `${v.table}${v.alias ? ` as ${v.alias}` : ''}`);

test('a filter, a batch and a join on user_id name the user', () => {
  expect(tables(`select "p0".* from "programs" as "p0" where "p0"."id" = $1 and "p0"."user_id" = $2`)).toEqual([]);
  expect(tables(`select * from program_versions v where v.user_id = any($1) and v.id = any($2)`)).toEqual([]);
  expect(tables(`select * from workout_sessions s join workout_session_sets st on st.session_id = s.id and st.user_id = s.user_id where s.user_id = $1`)).toEqual([]);
  expect(tables(`update programs set name = $1 where id = $2 and user_id = $3`)).toEqual([]);
  expect(tables(`insert into "workout_session_sets" ("id", "session_id", "user_id") values ($1, $2, $3)`)).toEqual([]);
});

test('a table reached by id alone does not', () => {
  expect(tables(`update "workout_sessions" set "completed_at" = $1 where "id" = $2`)).toEqual(['workout_sessions']);
  expect(tables(`select * from workout_sessions s join workout_session_sets st on st.session_id = s.id where s.user_id = $1`)).toEqual(['workout_session_sets as st']);
  expect(tables(`insert into workout_session_sets (id, session_id) values ($1, $2)`)).toEqual(['workout_session_sets']);
  // Another table's user_id does not cover an unaliased one.
  expect(tables(`select * from programs join workout_sessions s on s.program_id = programs.id where s.user_id = $1`)).toEqual(['programs']);
});

test("an alias used twice gets only its own subquery's filter", () => {
  const sql = `select 1 where exists (select 1 from workout_session_sets g where g.user_id = $1) or exists (select 1 from workout_session_sets g where g.exercise_version_id = any($2))`;
  expect(tables(sql)).toEqual(['workout_session_sets as g']);
});
