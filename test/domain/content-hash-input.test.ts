import fc from 'fast-check';
import './fast-check-setup.js';
import { canonicalContent } from '../../src/domain/content-hash-input.js';
import type { ProgramContent } from '../../src/domain/program.js';
import { programContentArb } from './arbitraries.js';
import type { MutableContent } from './program-faults.js';

const sample: ProgramContent = {
  workouts: [{ id: 'w', name: 'A', exercises: [{ id: 'e', name: 'Row', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: 60.5, restSeconds: 90 }] }] }],
  schedule: [{ dayOfWeek: 1, workoutIndex: 0 }],
};

/** The same content built with every key in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

/** Every leaf (string, number or null) of the content, as a path and a way to change it. */
function leaves(content: MutableContent): { path: string; change: (g: fc.GeneratorValue) => void }[] {
  const found: { path: string; change: (g: fc.GeneratorValue) => void }[] = [];
  const walk = (node: Record<string, unknown> | unknown[], path: string) => {
    for (const [key, value] of Object.entries(node)) {
      const at = `${path}.${key}`;
      const set = (next: unknown) => ((node as Record<string, unknown>)[key] = next);
      if (typeof value === 'object' && value !== null) walk(value as Record<string, unknown>, at);
      else if (typeof value === 'string') found.push({ path: at, change: (g) => set(value + g(fc.string, { minLength: 1, maxLength: 3 })) });
      else if (typeof value === 'number') found.push({ path: at, change: (g) => set(value + g(fc.integer, { min: 1, max: 5 })) });
      else found.push({ path: at, change: (g) => set(g(fc.nat)) });
    }
  };
  walk(content as unknown as Record<string, unknown>, '');
  return found;
}

describe('canonicalContent', () => {
  it('writes keys in a fixed order and nulls explicitly', () => {
    expect(canonicalContent(sample)).toBe(
      '{"workouts":[{"id":"w","name":"A","exercises":[{"id":"e","name":"Row","notes":null,"sets":[{"reps":5,"repsMax":null,"weightKg":60.5,"restSeconds":90}]}]}],"schedule":[{"dayOfWeek":1,"workoutIndex":0}]}',
    );
  });

  it('ignores extra properties an object happens to carry', () => {
    const carrying = { ...sample, version: 7 } as ProgramContent;
    expect(canonicalContent(carrying)).toBe(canonicalContent(sample));
  });

  it('gives equal content the same string, however its objects were built', () => {
    fc.assert(
      fc.property(programContentArb(), (content) => {
        expect(canonicalContent(reversedKeys(content) as ProgramContent)).toBe(canonicalContent(content));
        expect(canonicalContent(structuredClone(content))).toBe(canonicalContent(content));
      }),
    );
  });

  it('gives a different string when any one field changes', () => {
    fc.assert(
      fc.property(programContentArb({ minWorkouts: 1 }), fc.gen(), (content, g) => {
        const changed = structuredClone(content) as MutableContent;
        const all = leaves(changed);
        const leaf = all[g(fc.nat, { max: all.length - 1 })]!;
        leaf.change(g);
        expect(canonicalContent(changed as ProgramContent)).not.toBe(canonicalContent(content));
      }),
    );
  });

  it('tells apart content that differs only in order', () => {
    fc.assert(
      fc.property(programContentArb({ minWorkouts: 2 }), (content) => {
        const [first, second, ...rest] = content.workouts;
        fc.pre(first!.name !== second!.name);
        expect(canonicalContent({ ...content, workouts: [second!, first!, ...rest] })).not.toBe(canonicalContent(content));
      }),
    );
  });
});
