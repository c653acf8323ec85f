/**
 * The form under which two names count as "the same name" when ids have to be
 * matched by name (id reconciliation, the backfill's fallback from logged
 * exercise names to exercises).
 *
 * - NFKC folds compatibility forms (full-width letters, ligatures, non-breaking
 *   spaces) that look alike to a user.
 * - Case is folded with the locale-independent mappings, so the result does
 *   not depend on the server's locale (a Turkish locale would fold `I` to `ı`).
 *   Upper-casing first approximates full Unicode case folding: `ß` → `SS` → `ss`.
 * - NFKC runs again because case mapping can leave a string that is no longer
 *   normalised; the function must be idempotent to be usable as a map key.
 * - Whitespace is collapsed last, after NFKC turned exotic spaces into spaces.
 */
export function normaliseName(s: string): string {
  return s
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim();
}
