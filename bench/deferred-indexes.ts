import type pg from 'pg';

/**
 * Bulk load the way pg_restore does it: drop the secondary indexes and foreign
 * keys of `tables`, load, then build them again from their exact definitions
 * (one sort per index instead of millions of random inserts; one join per
 * foreign key instead of a trigger per row). Primary keys stay.
 */
export async function withDeferredIndexes<T>(client: pg.Client, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const indexes: { name: string; def: string }[] = (
    await client.query(
      `/* benchSecondaryIndexes */ select i.indexname as name, i.indexdef as def from pg_indexes i
       where i.schemaname = 'public' and i.tablename = any($1::text[]) and i.indexname not in (select conname from pg_constraint)`,
      [tables],
    )
  ).rows;
  const foreignKeys: { name: string; table: string; def: string }[] = (
    await client.query(
      `/* benchForeignKeys */ select c.conname as name, c.conrelid::regclass::text as table, pg_get_constraintdef(c.oid) as def
       from pg_constraint c where c.contype = 'f' and c.conrelid::regclass::text = any($1::text[])`,
      [tables],
    )
  ).rows;
  for (const fk of foreignKeys) await client.query(`alter table ${client.escapeIdentifier(fk.table)} drop constraint ${client.escapeIdentifier(fk.name)}`);
  for (const index of indexes) await client.query(`drop index ${client.escapeIdentifier(index.name)}`);
  const result = await load();
  for (const index of indexes) await client.query(index.def);
  for (const fk of foreignKeys) await client.query(`alter table ${client.escapeIdentifier(fk.table)} add constraint ${client.escapeIdentifier(fk.name)} ${fk.def}`);
  return result;
}
