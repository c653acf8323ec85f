// Run by test/cli/v8-flags.test.ts as `node --allow-natives-syntax --import tsx pretenuring-probe.mjs [module]`:
// imports `module` first (when given), allocates from one site objects that
// outlive minor collections (as a page of history in flight during one), then
// prints how many of 1,000 fresh objects from that site are in the young generation.
if (process.argv[2]) await import(process.argv[2]);
const inYoungGeneration = new Function('object', 'return %InYoungGeneration(object)');
const make = (i) => ({ i, sets: [i, i + 1], name: 'Bench' });
const kept = [];
for (let round = 0; round < 20; round++) {
  for (let i = 0; i < 200_000; i++) kept.push(make(i));
  kept.length = 0;
}
let young = 0;
for (let i = 0; i < 1000; i++) if (inYoungGeneration(make(i))) young++;
process.stdout.write(`${young}\n`);
