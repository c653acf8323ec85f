import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { queryRows } from '../db/sql.js';
import { inReadSnapshot, readPathPair } from '../reads/read-snapshot.js';
import { compareUser, type Mismatch, type UserCounts } from './user-comparison.js';

export type { Mismatch } from './user-comparison.js';

export type VerifyCounts = UserCounts;

export interface VerifyOptions {
  /** Users per page of the user list. */
  readonly batchSize: number;
  readonly onProgress?: (done: number, total: number, phase: string) => void;
  readonly onMismatch: (mismatch: Mismatch) => void;
}

/**
 * Phase 4 gate: for every user, what the server's two read paths — built by
 * the same factories — show of every program and session, compared. Each
 * user's two reads run in one read-only snapshot on the primary, so edits made
 * meanwhile never look like a mismatch: a mismatch is a real difference. Users
 * come a page at a time (keyset), and each user's programs and sessions a page
 * at a time, so memory stays bounded by one page whatever the data's size.
 * A program the backfill has not versioned reads its blob on both paths:
 * counted as `unversioned`, not as a match.
 */
export async function runVerify(orm: MikroORM, options: VerifyOptions): Promise<VerifyCounts> {
  const em = orm.em.fork();
  const counts: VerifyCounts = { programs: { total: 0, matched: 0, mismatched: 0, unversioned: 0 }, sessions: { total: 0, matched: 0, mismatched: 0 } };
  const [totals] = await queryRows(
    em,
    'verifyCountRows',
    'select (select count(*) from programs where deleted_at is null)::int as programs, (select count(*) from workout_sessions)::int as sessions',
    [],
    z.object({ programs: z.number(), sessions: z.number() }),
  );
  const total = totals!.programs + totals!.sessions;
  let done = 0;
  for (let after: string | null = null; ; ) {
    const users = await userPage(em, after, options.batchSize);
    for (const userId of users) {
      const user = await inReadSnapshot(em, (tx) => compareUser(tx, userId, readPathPair(tx, userId), options.onMismatch));
      for (const kind of ['programs', 'sessions'] as const) {
        for (const [key, value] of Object.entries(user[kind])) (counts[kind] as Record<string, number>)[key]! += value;
      }
      done += user.programs.total + user.sessions.total;
      options.onProgress?.(done, Math.max(total, done), 'users');
    }
    if (users.length < options.batchSize) break;
    after = users.at(-1)!;
  }
  return counts;
}

/** The next `limit` users (by id) with a program or a session; each branch stops after `limit` distinct ids of its index. */
async function userPage(em: EntityManager, after: string | null, limit: number): Promise<string[]> {
  const rows = await queryRows(
    em,
    'verifyUserPage',
    `with after as (select coalesce(?::uuid, '00000000-0000-0000-0000-000000000000') as id)
     select user_id from (
       (select distinct p.user_id from programs p, after where p.user_id > after.id order by p.user_id limit ?)
       union
       (select distinct s.user_id from workout_sessions s, after where s.user_id > after.id order by s.user_id limit ?)
     ) users order by user_id limit ?`,
    [after, limit, limit, limit],
    z.object({ user_id: z.string() }),
  );
  return rows.map((r) => r.user_id);
}
