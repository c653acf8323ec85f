import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';

/**
 * Runs one labelled SQL statement on the EntityManager's connection (inside its
 * transaction, if any) and parses every row with a schema, so a row that does
 * not match what the code expects fails loudly here, at the border.
 *
 * Placeholders are `?` (knex convention); `??` would be an identifier.
 */
export async function queryRows<S extends z.ZodType>(
  em: EntityManager,
  label: string,
  sql: string,
  params: readonly unknown[],
  row: S,
): Promise<z.output<S>[]> {
  const rows: unknown[] = await em.getConnection().execute(`/* ${label} */ ${sql}`, [...params], 'all', em.getTransactionContext());
  return rows.map((r, i) => {
    const parsed = row.safeParse(r);
    if (!parsed.success) throw new Error(`${label}: row ${i} does not match its schema: ${parsed.error.message}`);
    return parsed.data;
  });
}

/** Runs one labelled statement that returns no rows worth parsing; resolves to the affected row count. */
export async function execute(em: EntityManager, label: string, sql: string, params: readonly unknown[]): Promise<number> {
  const result = await em.getConnection().execute(`/* ${label} */ ${sql}`, [...params], 'run', em.getTransactionContext());
  return (result as { affectedRows?: number }).affectedRows ?? 0;
}
