/**
 * Where a V8 CPU profile's time went: self time per function and per
 * category (GraphQL parsing/validation/execution, JSON, pg, MikroORM, flags,
 * logging, GC, socket writes, our own code by folder). Pure: a `.cpuprofile`
 * in, figures out.
 */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy time (everything but idle). */
  readonly share: number;
}

export interface FunctionTime extends SelfTime {
  readonly category: string;
  readonly where: string;
}

export interface ProfileSummary {
  /** Sampled time the thread was not idle. */
  readonly busyMs: number;
  readonly idleMs: number;
  readonly categories: readonly SelfTime[];
  readonly functions: readonly FunctionTime[];
  /** Our own functions (src/) by total time: their self time and everything they called. */
  readonly oursInclusive: readonly FunctionTime[];
}

/** Built-in frames (no script) named here are categories of their own; any other built-in counts for its caller. */
const NATIVE_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['(garbage collector)', 'GC'],
  ['(program)', 'V8 (program: compiler, runtime)'],
  ['stringify', 'JSON serialisation'],
  ['parse', 'JSON parsing'],
  ['writev', 'socket writes'],
  ['writeBuffer', 'socket writes'],
  ['writeUtf8String', 'socket writes'],
  ['writeLatin1String', 'socket writes'],
  ['writeAsciiString', 'socket writes'],
  ['writeUcs2String', 'socket writes'],
]);

/**
 * JSON.stringify and JSON.parse have no frame of their own in a V8 profile: their time is the self time of
 * the function that calls them. Functions of ours that do little else are named here.
 */
const FUNCTION_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['serialiseResponse', 'JSON serialisation'],
]);

/** First match wins: [substring of the script URL, category]. */
const URL_CATEGORIES: readonly (readonly [string, string])[] = [
  ['/node_modules/graphql/language/', 'GraphQL parsing'],
  ['/node_modules/graphql/validation/', 'GraphQL validation'],
  ['/node_modules/@escape.tech/graphql-armor', 'GraphQL validation'],
  ['/node_modules/graphql-query-complexity/', 'GraphQL validation'],
  ['/src/server/operation-cost/', 'GraphQL validation'],
  ['/node_modules/graphql-jit/', 'GraphQL execution'],
  ['/node_modules/graphql/execution/', 'GraphQL execution'],
  ['/node_modules/graphql/', 'GraphQL (types, values, errors)'],
  ['/node_modules/@apollo/subgraph/', 'Apollo federation (_entities)'],
  ['/node_modules/@apollo/', 'Apollo Server'],
  ['/node_modules/pg-protocol/', 'pg (protocol, row parsing)'],
  ['/node_modules/pg-types/', 'pg (protocol, row parsing)'],
  ['/node_modules/postgres-', 'pg (protocol, row parsing)'],
  ['/node_modules/pg/', 'pg (protocol, row parsing)'],
  ['/node_modules/pg-pool/', 'pg (protocol, row parsing)'],
  ['/node_modules/@mikro-orm/', 'MikroORM'],
  ['/node_modules/knex/', 'MikroORM'],
  ['/node_modules/@openfeature/', 'flag evaluation'],
  ['/src/flags/', 'flag evaluation'],
  ['/node_modules/pino', 'logging'],
  ['/node_modules/sonic-boom/', 'logging'],
  ['/node_modules/prom-client/', 'metrics'],
  ['/node_modules/zod/', 'zod (row and blob schemas)'],
  ['/node_modules/dataloader/', 'DataLoader'],
  ['/node_modules/tsx/', 'tsx (module loader)'],
  ['node:net', 'socket writes'],
  ['node:internal/stream_base_commons', 'socket writes'],
  ['node:internal/net', 'socket writes'],
  ['node:_http_', 'node:http'],
  ['node:internal/http', 'node:http'],
  ['node:internal/streams/', 'Node streams'],
  ['node:', 'Node internals (timers, promises, events)'],
];

export function categoryOfUrl(url: string): string | null {
  if (!url) return null;
  for (const [part, category] of URL_CATEGORIES) if (url.includes(part)) return category;
  const ours = /\/(src|bench)\/([^/]+)\//.exec(url) ?? /\/(src)\/([^/]+)$/.exec(url);
  if (ours) return `ours: ${ours[1]}/${ours[2]}`;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return pkg ? `other: ${pkg[1]}` : 'other';
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryCache = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const cached = categoryCache.get(id);
    if (cached) return cached;
    const { functionName, url } = byId.get(id)!.callFrame;
    let category = url ? (FUNCTION_CATEGORIES.get(functionName) ?? categoryOfUrl(url)) : (NATIVE_CATEGORIES.get(functionName) ?? null);
    if (!category) {
      const up = parent.get(id);
      category = up === undefined || byId.get(up)!.callFrame.functionName === '(root)' ? 'V8 built-ins' : categoryOf(up);
    }
    categoryCache.set(id, category);
    return category;
  };

  const selfMicros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the gap to the next one.
  for (let i = 0; i < samples.length; i++) {
    const span = deltas[i + 1] ?? 0;
    selfMicros.set(samples[i]!, (selfMicros.get(samples[i]!) ?? 0) + span);
  }
  const nameOf = (id: number): string => {
    const { functionName } = byId.get(id)!.callFrame;
    if (functionName) return functionName;
    // tsx runs our files as one line each: an anonymous function is found by its nearest named caller.
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const name = byId.get(up)!.callFrame.functionName;
      if (name && name !== '(root)') return `(anonymous, in ${name})`;
    }
    return '(anonymous)';
  };
  const whereOf = (id: number): string => {
    const { url, lineNumber } = byId.get(id)!.callFrame;
    return url ? `${shortUrl(url)}${url.includes('/node_modules/') ? `:${lineNumber + 1}` : ''}` : '(built-in or generated code)';
  };

  // Inclusive time of our functions: each sample counts once for every distinct function of ours on its stack.
  const inclusive = new Map<string, { micros: number; category: string; where: string; name: string }>();
  for (const [leaf, micros] of selfMicros) {
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      if (!/\/src\//.test(byId.get(id)!.callFrame.url)) continue;
      const name = nameOf(id);
      const where = whereOf(id);
      const key = `${name} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const f = inclusive.get(key) ?? { micros: 0, category: categoryOf(id), where, name };
      f.micros += micros;
      inclusive.set(key, f);
    }
  }

  let idle = 0;
  const categories = new Map<string, number>();
  const functions = new Map<string, { micros: number; category: string; where: string; name: string }>();
  for (const [id, micros] of selfMicros) {
    const { functionName } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(root)') {
      idle += micros;
      continue;
    }
    const category = categoryOf(id);
    categories.set(category, (categories.get(category) ?? 0) + micros);
    const where = whereOf(id);
    const name = nameOf(id);
    const key = `${name} ${where}`;
    const f = functions.get(key) ?? { micros: 0, category, where, name };
    f.micros += micros;
    functions.set(key, f);
  }
  const busy = [...categories.values()].reduce((a, b) => a + b, 0);
  const share = (micros: number) => (busy ? micros / busy : 0);
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    categories: [...categories]
      .sort((a, b) => b[1] - a[1])
      .map(([name, micros]) => ({ name, ms: micros / 1000, share: share(micros) })),
    functions: [...functions.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, category: f.category, ms: f.micros / 1000, share: share(f.micros) })),
    oursInclusive: [...inclusive.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, category: f.category, ms: f.micros / 1000, share: share(f.micros) })),
  };
}

/** `file:///…/node_modules/pg-protocol/dist/parser.js` → `pg-protocol/dist/parser.js`; our files from `src/`. */
function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const ours = /\/((?:src|bench)\/.*)$/.exec(url);
  return ours ? ours[1]! : url.replace(/^file:\/\//, '');
}

/** V8's sampling heap profile (`HeapProfiler.stopSampling`): a call tree whose nodes carry the bytes sampled there. */
export interface HeapProfile {
  readonly head: HeapProfileNode;
}

interface HeapProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapProfileNode[];
}

export interface SurvivorSite {
  readonly name: string;
  readonly where: string;
  readonly category: string;
  readonly bytes: number;
  /** Share of every sampled byte. */
  readonly share: number;
}

export interface SurvivorSummary {
  readonly bytes: number;
  /** Allocation sites (the function that allocated), most bytes first. */
  readonly sites: readonly SurvivorSite[];
  /** The same bytes under the nearest function of ours on each stack (or `(none of ours)`). */
  readonly ours: readonly SurvivorSite[];
  readonly categories: readonly { readonly name: string; readonly bytes: number; readonly share: number }[];
}

/**
 * What a sampling heap profile taken with `includeObjectsCollectedByMinorGC:
 * false` (and major-GC objects kept) holds: the allocations that outlived a
 * minor collection — promoted to the old generation, where only a full
 * collection frees them. Their rate is what makes full collections come
 * often. Sorted by allocation site, and by the nearest function of ours.
 */
export function summariseSurvivors(profile: HeapProfile, top = 25): SurvivorSummary {
  const sites = new Map<string, { name: string; where: string; category: string; bytes: number }>();
  const ours = new Map<string, { name: string; where: string; category: string; bytes: number }>();
  const categories = new Map<string, number>();
  let total = 0;
  const add = (into: typeof sites, name: string, where: string, category: string, bytes: number) => {
    const key = `${name} ${where}`;
    const entry = into.get(key) ?? { name, where, category, bytes: 0 };
    entry.bytes += bytes;
    into.set(key, entry);
  };
  // Depth first with an explicit stack: the path from the root is what names an anonymous function and finds ours.
  const stack: { node: HeapProfileNode; path: readonly HeapProfileNode[] }[] = [{ node: profile.head, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    const here = [...path, node];
    for (const child of node.children) stack.push({ node: child, path: here });
    if (node.selfSize === 0) continue;
    total += node.selfSize;
    const { functionName, url, lineNumber } = node.callFrame;
    const named = (n: HeapProfileNode, i: number, all: readonly HeapProfileNode[]) => {
      if (n.callFrame.functionName) return n.callFrame.functionName;
      const caller = all.slice(0, i).reverse().find((c) => c.callFrame.functionName && c.callFrame.functionName !== '(root)');
      return caller ? `(anonymous, in ${caller.callFrame.functionName})` : '(anonymous)';
    };
    const where = (u: string, line: number) => (u ? `${shortUrl(u)}${u.includes('/node_modules/') ? `:${line + 1}` : ''}` : '(built-in or generated code)');
    const category = (url ? categoryOfUrl(url) : null) ?? (functionName === '(V8 API)' ? 'V8 API' : 'V8 built-ins or generated code');
    categories.set(category, (categories.get(category) ?? 0) + node.selfSize);
    add(sites, named(node, here.length - 1, here), where(url, lineNumber), category, node.selfSize);
    const mineAt = here.map((n) => /\/src\//.test(n.callFrame.url)).lastIndexOf(true);
    if (mineAt < 0) add(ours, '(none of ours)', '', 'not ours', node.selfSize);
    else {
      const mine = here[mineAt]!;
      add(ours, named(mine, mineAt, here), where(mine.callFrame.url, mine.callFrame.lineNumber), categoryOfUrl(mine.callFrame.url) ?? 'ours', node.selfSize);
    }
  }
  const share = (bytes: number) => (total ? bytes / total : 0);
  const sorted = (m: typeof sites) =>
    [...m.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top)
      .map((s) => ({ ...s, share: share(s.bytes) }));
  return {
    bytes: total,
    sites: sorted(sites),
    ours: sorted(ours),
    categories: [...categories].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes, share: share(bytes) })),
  };
}
