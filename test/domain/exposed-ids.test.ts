import fc from 'fast-check';
import './fast-check-setup.js';
import { exposedContent, exposedId, exposedIdIn, parseExposedId, storedId } from '../../src/domain/exposed-ids.js';
import { readLegacyBlob } from '../../src/domain/legacy-blob.js';
import { isUuid } from '../../src/domain/uuid.js';

const A = '0a0a0a0a-0000-4000-8000-00000000000a';
const B = '0b0b0b0b-0000-4000-8000-00000000000b';
const U = '3f2b8c1e-9d4a-4e6f-8b7c-1a2b3c4d5e6f';

/** Stored ids as they occur: UUIDs, legacy numbers and names, derived ids of this or another program, and text holding `/` and `:`. */
const storedIdArb = (programId: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.uuid(),
    fc.nat({ max: 20 }).map(String),
    fc.string({ maxLength: 8 }),
    fc.nat({ max: 5 }).map((i) => `${programId}/w${i}`),
    fc.tuple(fc.nat({ max: 5 }), fc.nat({ max: 5 })).map(([i, j]) => `${programId}/w${i}/e${j}`),
    fc.tuple(fc.uuid(), fc.constantFrom('/', ':'), fc.string({ maxLength: 6 })).map(([p, sep, rest]) => `${p}${sep}${rest}`),
    fc.tuple(fc.constantFrom(A, B, programId), fc.constantFrom('/', ':'), fc.string({ maxLength: 6 })).map(([p, sep, rest]) => `${p}${sep}${rest}`),
  );
const programIdArb = fc.oneof(fc.constantFrom(A, B), fc.uuid());
const itemArb = programIdArb.chain((p) => fc.tuple(fc.constant(p), storedIdArb(p)));

describe('exposed workout and exercise ids', () => {
  it('qualifies a legacy id with its program and keeps UUIDs and derived ids as stored', () => {
    expect(exposedId(A, '1')).toBe(`${A}:1`);
    expect(exposedId(B, '1')).toBe(`${B}:1`);
    expect(exposedId(A, 'bench')).toBe(`${A}:bench`);
    expect(exposedId(A, U)).toBe(U);
    expect(exposedId(A, `${A}/w0`)).toBe(`${A}/w0`);
    expect(exposedId(A, `${A}/w0/e1~2`)).toBe(`${A}/w0/e1~2`);
    // An id that looks derived from another program is qualified like any other.
    expect(exposedId(A, `${B}/w0`)).toBe(`${A}:${B}/w0`);
    expect(exposedId(A, `${A}:1`)).toBe(`${A}:${A}:1`);
  });

  it('maps an input back within a program: its exposed form, or the stored id as sent', () => {
    expect(storedId(A, `${A}:1`)).toBe('1');
    expect(storedId(A, `${A.toUpperCase()}:1`)).toBe('1');
    expect(storedId(A, '1')).toBe('1');
    expect(storedId(A, U)).toBe(U);
    expect(storedId(A, `${A}/w0`)).toBe(`${A}/w0`);
    // Another program's id names nothing here.
    expect(storedId(A, `${B}:1`)).toBe(`${B}:1`);
  });

  it('maps an input back without a program; an unqualified legacy id names history logged outside any program', () => {
    expect(parseExposedId(`${A}:1`)).toEqual({ in: 'program', programId: A, storedId: '1' });
    expect(parseExposedId(`${B}:1`)).toEqual({ in: 'program', programId: B, storedId: '1' });
    expect(parseExposedId(`${A}/w0/e1`)).toEqual({ in: 'program', programId: A, storedId: `${A}/w0/e1` });
    expect(parseExposedId(U)).toEqual({ in: 'any program', storedId: U });
    expect(parseExposedId('1')).toEqual({ in: 'no program', storedId: '1' });
    expect(exposedIdIn(null, '1')).toBe('1');
    expect(exposedIdIn(A, '1')).toBe(`${A}:1`);
  });

  it('gives the two programs of a blob with the same legacy ids different ids', () => {
    const blob = { workouts: [{ id: '1', name: 'Day A', exercises: [{ id: '2', name: 'Squat', sets: 3, reps: 5 }] }], schedule: [] };
    const ids = (p: string) => {
      const read = readLegacyBlob(p, blob);
      if (!read.ok) throw new Error('unreadable');
      const content = exposedContent(p, read.content);
      return [content.workouts[0]!.id, content.workouts[0]!.exercises[0]!.id];
    };
    expect(ids(A)).toEqual([`${A}:1`, `${A}:2`]);
    expect(ids(B)).toEqual([`${B}:1`, `${B}:2`]);
  });

  it('is injective: two items share an exposed id only when they are one UUID', () => {
    fc.assert(
      fc.property(itemArb, itemArb, ([p1, s1], [p2, s2]) => {
        if (exposedId(p1, s1) !== exposedId(p2, s2)) return;
        expect(s1).toBe(s2);
        if (p1 !== p2) expect(isUuid(s1)).toBe(true);
      }),
    );
  });

  it('never exposes an id that reads as another program\'s, a UUID it is not, or one logged outside any program', () => {
    fc.assert(
      fc.property(itemArb, ([p, s]) => {
        const exposed = exposedId(p, s);
        expect(parseExposedId(exposed)).toEqual(isUuid(s) ? { in: 'any program', storedId: s } : { in: 'program', programId: p, storedId: s });
        if (!isUuid(s)) expect(isUuid(exposed)).toBe(false);
      }),
    );
  });

  it('round-trips through the program-scoped mapping; another program\'s qualified id never maps to this program\'s item of the same stored id', () => {
    fc.assert(
      fc.property(itemArb, storedIdArb(B), ([p, s], other) => {
        expect(storedId(p, exposedId(p, s))).toBe(s);
        const fromB = exposedId(B, other);
        if (p !== B && fromB === `${B}:${other}`) expect(storedId(p, fromB)).not.toBe(other);
      }),
    );
  });
});
