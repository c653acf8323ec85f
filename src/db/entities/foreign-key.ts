/**
 * A foreign key as the migrations declare it: PostgreSQL's own name and plain
 * `references` (no action on update or delete; MikroORM's default would
 * cascade updates and set null on delete). Rows are never deleted anyway.
 */
export function foreignKey(name: string) {
  return { foreignKeyName: name, updateRule: 'no action', deleteRule: 'no action' } as const;
}
