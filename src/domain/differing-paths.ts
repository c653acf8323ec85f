/**
 * The paths (`workouts.1.exercises.0.sets.2.reps`) at which two JSON-like
 * values differ, at most `limit` of them. Arrays compare by index, objects by
 * key (a key missing on one side differs); Dates compare by instant.
 */
export function differingPaths(a: unknown, b: unknown, limit = 50): string[] {
  const found: string[] = [];
  walk(a, b, '', found, limit);
  return found;
}

function walk(a: unknown, b: unknown, path: string, found: string[], limit: number): void {
  if (found.length >= limit) return;
  if (a instanceof Date && b instanceof Date) {
    if (a.getTime() !== b.getTime()) found.push(path || '(root)');
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) found.push(`${path || '(root)'}.length`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], join(path, String(i)), found, limit);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a) || !(key in b)) found.push(join(path, key));
      else walk(a[key], b[key], join(path, key), found, limit);
    }
    return;
  }
  if (!Object.is(a, b)) found.push(path || '(root)');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
