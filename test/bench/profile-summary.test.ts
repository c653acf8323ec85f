import { summariseProfile, type CpuProfile } from '../../bench/profile-summary.js';

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
