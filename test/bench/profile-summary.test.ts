import { summariseProfile, summariseSurvivors, type CpuProfile, type HeapProfile } from '../../bench/profile-summary.js';

/**
 * `npm run profile` reads V8's `.cpuprofile`: self time is the gap after each
 * sample, built-in frames count for their caller's category unless they are
 * a category of their own, and any function name — `toString` included —
 * is just a name.
 */
const SRC = 'file:///repo/src';
const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 6, 7] },
    { id: 2, callFrame: frame('handle', `${SRC}/server/http-server.ts`), children: [4, 5] },
    { id: 3, callFrame: frame('(garbage collector)') },
    { id: 4, callFrame: frame('toString', `${SRC}/models/read-models.ts`) },
    { id: 5, callFrame: frame('') },
    { id: 6, callFrame: frame('(idle)') },
    { id: 7, callFrame: frame('parseDataRowMessage', 'file:///repo/node_modules/pg-protocol/dist/parser.js') },
  ],
  // Sample i stands for the time until sample i + 1.
  samples: [2, 4, 4, 5, 3, 6, 7, 2],
  timeDeltas: [0, 1000, 2000, 1000, 1000, 1000, 3000, 1000],
};

it('self time by category and by function, idle apart', () => {
  const summary = summariseProfile(profile);
  expect(summary.idleMs).toBe(3);
  expect(summary.busyMs).toBe(7);
  expect(Object.fromEntries(summary.categories.map((c) => [c.name, c.ms]))).toEqual({
    'ours: src/models': 3,
    // The nameless built-in frame counts for its caller, handle().
    'ours: src/server': 2,
    GC: 1,
    'pg (protocol, row parsing)': 1,
  });
  expect(summary.functions[0]).toMatchObject({ name: 'toString', where: 'src/models/read-models.ts', ms: 3 });
  expect(summary.functions.find((f) => f.name === '(anonymous, in handle)')).toMatchObject({ category: 'ours: src/server', ms: 1 });
});

it('our functions by total time, callees included', () => {
  const summary = summariseProfile(profile);
  expect(summary.oursInclusive.map((f) => [f.name, f.ms])).toEqual([
    ['handle', 5],
    ['toString', 3],
  ]);
});

/**
 * `npm run profile -- --survivors` reads V8's sampling heap profile (only
 * what outlived a minor collection): bytes by allocation site, by the
 * nearest function of ours on the stack, and by category.
 */
const heapNode = (functionName: string, url: string, selfSize: number, children: HeapProfile['head'][] = []): HeapProfile['head'] => ({
  callFrame: { functionName, url, lineNumber: 719 },
  selfSize,
  children,
});

it('survivors by allocation site, by our nearest function and by category', () => {
  const flags = `${SRC}/flags/flag-snapshot.ts`;
  const sdk = 'file:///repo/node_modules/@openfeature/server-sdk/dist/esm/index.js';
  const profile: HeapProfile = {
    head: heapNode('(root)', '', 0, [
      heapNode('handle', `${SRC}/server/http-server.ts`, 1000, [
        heapNode('', flags, 3000, [heapNode('evaluate', sdk, 5000, [heapNode('', sdk, 1000)])]),
      ]),
      heapNode('processTicksAndRejections', 'node:internal/process/task_queues', 0, [heapNode('next', '', 2000)]),
    ]),
  };
  const summary = summariseSurvivors(profile);
  expect(summary.bytes).toBe(12_000);
  expect(summary.sites.map((s) => [s.name, s.where, s.bytes])).toEqual([
    ['evaluate', '@openfeature/server-sdk/dist/esm/index.js:720', 5000],
    ['(anonymous, in handle)', 'src/flags/flag-snapshot.ts', 3000],
    ['next', '(built-in or generated code)', 2000],
    ['handle', 'src/server/http-server.ts', 1000],
    ['(anonymous, in evaluate)', '@openfeature/server-sdk/dist/esm/index.js:720', 1000],
  ]);
  // The SDK's bytes count for the function of ours that called it.
  expect(summary.ours.map((s) => [s.name, s.bytes, s.share])).toEqual([
    ['(anonymous, in handle)', 9000, 0.75],
    ['(none of ours)', 2000, 2000 / 12_000],
    ['handle', 1000, 1000 / 12_000],
  ]);
  // The categories of CPU time: the SDK and our flag module are both flag evaluation (a frame without a script is a built-in here).
  expect(summary.categories.map((c) => [c.name, c.bytes])).toEqual([
    ['flag evaluation', 9000],
    ['V8 built-ins or generated code', 2000],
    ['ours: src/server', 1000],
  ]);
});
