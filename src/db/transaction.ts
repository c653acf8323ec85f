import { ConnectionException, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.js';

/**
 * Runs `work` in one database transaction and translates database constraint
 * errors into client errors — the one place where that translation happens.
 * A transaction that could not even begin (no free connection in time, no
 * connection at all) fails as MikroORM's `ConnectionException`: whatever the
 * driver underneath threw, it is about the database, not the request.
 * What `work` registered with `afterCommit` runs once the transaction is
 * committed (for a nested one: once the outermost is).
 */
export async function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  let began = false;
  const hooks: CommitHook[] = [];
  let result: T;
  try {
    result = await em.transactional((tx) => {
      began = true;
      commitHooks.set(tx, hooks);
      return work(tx as EntityManager);
    });
  } catch (error) {
    if (!began) throw connectionException(error);
    throw translateDatabaseError(error);
  }
  for (const hook of hooks) afterCommit(em, hook);
  return result;
}

type CommitHook = () => void;

/** The hooks of each open transaction begun by `inTransaction`, by its EntityManager. */
const commitHooks = new WeakMap<EntityManager, CommitHook[]>();

/**
 * Runs `hook` once what `em` wrote is committed: at once outside a
 * transaction, after the commit inside one begun by `inTransaction`, never if
 * it rolls back. Inside a transaction begun otherwise (an operator command's
 * own), never: a hook only spares work that can be done again (filling a
 * cache), so dropping it is safe where running it early would not be.
 */
export function afterCommit(em: EntityManager, hook: CommitHook): void {
  if (!em.isInTransaction()) hook();
  else commitHooks.get(em)?.push(hook);
}

function connectionException(error: unknown): unknown {
  if (error instanceof ConnectionException || !(error instanceof Error)) return error;
  return new ConnectionException(error);
}

const CONSTRAINT_MESSAGES: Record<string, string> = {
  programs_one_active_per_user: 'another program was activated at the same time; try again',
};

export function translateDatabaseError(error: unknown): unknown {
  // The ORM wraps driver errors it raises itself; raw statements surface pg's own error (SQLSTATE 23505).
  const pgError = error as { code?: string; constraint?: string };
  if (error instanceof UniqueConstraintViolationException || pgError.code === '23505') {
    const constraint = pgError.constraint ?? '';
    return AppError.conflict(CONSTRAINT_MESSAGES[constraint] ?? 'a concurrent change conflicted with this one; try again', {
      retryable: true,
    });
  }
  return error;
}
