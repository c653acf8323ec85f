import fc from 'fast-check';

/*
 * Random damage to a JSON document, the way years of hand edits and buggy
 * clients damage blobs: a value replaced by something else, a key or element
 * deleted, an element duplicated (which duplicates ids).
 */

type Path = readonly (string | number)[];
type Container = Record<string, unknown> | unknown[];

const replacementArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constantFrom<unknown>(-1, 0, 1.5, 7, 1e9, '', 'x', '8-10', '1:30', '3', 'monday', [], {}, true),
  fc.jsonValue({ maxDepth: 2 }),
  fc.anything({ maxDepth: 1, withBigInt: true, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withSparseArray: true }),
);

/** A damaged deep copy of `document`, with one to four changes. */
export function corrupted(document: unknown, g: fc.GeneratorValue): unknown {
  const root: { value: unknown } = { value: structuredClone(document) };
  const changes = g(fc.integer, { min: 1, max: 4 });
  for (let n = 0; n < changes; n++) {
    const paths = pathsIn(root.value, []);
    if (paths.length === 0) break;
    const path = paths[g(fc.nat, { max: paths.length - 1 })] ?? [];
    const parent = containerAt(root.value, path.slice(0, -1));
    const key = path[path.length - 1];
    if (parent === null || key === undefined) continue;
    const change = g(() => fc.constantFrom('replace', 'delete', 'duplicate'));
    if (Array.isArray(parent) && typeof key === 'number') {
      if (change === 'delete') parent.splice(key, 1);
      else if (change === 'duplicate') parent.splice(key, 0, structuredClone(parent[key]));
      else parent[key] = g(() => replacementArb);
    } else if (!Array.isArray(parent)) {
      if (change === 'delete') delete parent[String(key)];
      else parent[String(key)] = g(() => replacementArb);
    }
  }
  return root.value;
}

/** Only arrays and plain objects are walked into; boxed values, maps and the like are leaves. */
function isContainer(value: unknown): value is Container {
  if (Array.isArray(value)) return true;
  // Not a prototype check: structuredClone may build objects in another realm.
  return Object.prototype.toString.call(value) === '[object Object]';
}

function pathsIn(value: unknown, at: Path): Path[] {
  if (!isContainer(value)) return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const child = Array.isArray(value) ? value[key as number] : value[String(key)];
    return [[...at, key], ...pathsIn(child, [...at, key])];
  });
}

function containerAt(value: unknown, path: Path): Container | null {
  let current: unknown = value;
  for (const key of path) {
    if (!isContainer(current)) return null;
    current = Array.isArray(current) ? current[key as number] : current[String(key)];
  }
  return isContainer(current) ? current : null;
}
