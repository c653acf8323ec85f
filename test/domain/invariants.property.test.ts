import fc from 'fast-check';
import './fast-check-setup.js';
import { checkProgram, PROGRAM_LIMITS as L } from '../../src/domain/invariants.js';
import { programContentArb, nameArb } from './arbitraries.js';
import { FAULTS, type MutableContent } from './program-faults.js';

describe('checkProgram properties', () => {
  it('finds nothing wrong with valid programs', () => {
    fc.assert(fc.property(nameArb, programContentArb(), (name, content) => expect(checkProgram({ name, content })).toEqual([])));
  });

  it.each(Object.keys(FAULTS))('reports an injected %s fault, exactly where it is', (kind) => {
    const fault = FAULTS[kind]!;
    fc.assert(
      fc.property(programContentArb(), fc.gen(), (content, g) => {
        const injected = fault(structuredClone(content) as MutableContent, g);
        fc.pre(injected !== null);
        const found = checkProgram({ name: injected.name, content: injected.content }).map((v) => ({ path: v.path, code: v.code }));
        expect(found).toEqual([{ path: injected.path, code: injected.code }]);
      }),
      { numRuns: 50 },
    );
  });

  it('never throws on any numbers, and reports a bad number at its own path', () => {
    const anyNumber = fc.oneof(fc.double(), fc.integer({ min: -5, max: 10 }), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE));
    fc.assert(
      fc.property(programContentArb({ minWorkouts: 1 }), fc.gen(), (valid, g) => {
        const content = structuredClone(valid) as MutableContent;
        const scramble = (n: number) => (g(fc.boolean) ? g(() => anyNumber) : n);
        for (const set of content.workouts.flatMap((w) => w.exercises.flatMap((e) => e.sets))) {
          set.reps = scramble(set.reps);
          set.weightKg = set.weightKg === null ? null : scramble(set.weightKg);
          set.restSeconds = scramble(set.restSeconds);
        }
        for (const entry of content.schedule) entry.dayOfWeek = scramble(entry.dayOfWeek);

        const paths = checkProgram({ name: 'P', content }).map((v) => v.path);
        expect(new Set(paths).size).toBe(paths.length);
        const flagged = (path: string) => paths.includes(path);
        const isInt = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
        content.workouts.forEach((w, wi) =>
          w.exercises.forEach((e, ei) =>
            e.sets.forEach((set, si) => {
              const at = `workouts.${wi}.exercises.${ei}.sets.${si}`;
              expect(flagged(`${at}.reps`)).toBe(!isInt(set.reps, L.minReps, L.maxReps));
              expect(flagged(`${at}.restSeconds`)).toBe(!isInt(set.restSeconds, 0, L.maxRestSeconds));
              const w8 = set.weightKg;
              expect(flagged(`${at}.weightKg`)).toBe(w8 !== null && !(Number.isFinite(w8) && w8 >= 0 && w8 <= L.maxWeightKg && Number(w8.toFixed(2)) === w8));
            }),
          ),
        );
        content.schedule.forEach((entry, i) => expect(flagged(`schedule.${i}.dayOfWeek`)).toBe(!isInt(entry.dayOfWeek, 0, 6)));
      }),
    );
  });
});
