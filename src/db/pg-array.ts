/**
 * A PostgreSQL array literal (`{"a","b"}`) for binding a list as ONE parameter
 * (`= any(?::uuid[])`): knex would otherwise expand an array binding into a
 * comma-separated list. Every element is quoted, so commas, braces, quotes and
 * backslashes inside values survive.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
