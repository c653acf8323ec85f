import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.js';

/**
 * Runs `work` in one database transaction and translates database constraint
 * errors into client errors — the one place where that translation happens.
 */
export async function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await em.transactional((tx) => work(tx as EntityManager));
  } catch (error) {
    throw translateDatabaseError(error);
  }
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
