// Run by test/cli/v8-flags.test.ts as
// `node --allow-natives-syntax --single-threaded --import tsx pretenuring-probe.mjs [module]`
// (single-threaded: V8's decisions then do not depend on its background threads' timing).
// Imports `module` first when given, then allocates from one site objects
// that outlive minor collections (as a page of history in flight during one)
// and prints the share of them, sampled as they are made, that V8 allocated
// straight in the old generation: about 0.93 when it pretenured the site.
if (process.argv[2]) await import(process.argv[2]);
const inYoungGeneration = new Function('object', 'return %InYoungGeneration(object)');
const make = (i) => ({ i, sets: [i, i + 1], name: 'Bench' });
const kept = [];
let old = 0;
let sampled = 0;
for (let round = 0; round < 40; round++) {
  for (let i = 0; i < 200_000; i++) {
    const row = make(i);
    kept.push(row);
    if (i % 1000 === 0) {
      sampled++;
      if (!inYoungGeneration(row)) old++;
    }
  }
  kept.length = 0;
}
process.stdout.write(`${old / sampled}\n`);
