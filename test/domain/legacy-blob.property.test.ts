import fc from 'fast-check';
import './fast-check-setup.js';
import { checkProgram } from '../../src/domain/invariants.js';
import { readLegacyBlob, writeLegacyBlob, type BlobIssue, type LegacyBlobResult } from '../../src/domain/legacy-blob.js';
import type { ProgramContent, ScheduleEntry } from '../../src/domain/program.js';
import { removeWorkout } from '../../src/domain/schedule-repair.js';
import { idsAreUnique, programContentArb, scheduleIsSound } from './arbitraries.js';
import { corrupted } from './json-corruption.js';
import { legacyEncoding } from './legacy-encoding.js';

const P = '5f0c9a43-6f0e-4c7e-9d7e-0a4c2b1e9f11';

/** Violations a blob may legitimately carry into content: the reader keeps text, weights and list sizes as stored, never rewriting them. */
const CARRIED_OVER = new Set([
  'NAME_EMPTY',
  'NAME_TOO_LONG',
  'NOTES_TOO_LONG',
  'FORBIDDEN_CHARACTER',
  'TOO_MANY_DECIMALS',
  'TOO_MANY_WORKOUTS',
  'TOO_MANY_EXERCISES',
  'TOO_MANY_SETS',
  'TOO_MANY_SCHEDULE_ENTRIES',
]);

function expectWellFormed(result: LegacyBlobResult): void {
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
  if (!result.ok) {
    expect(result.issues.map((i) => i.code)).toEqual(['NOT_A_PROGRAM']);
    return;
  }
  expect(idsAreUnique(result.content)).toBe(true);
  expect(scheduleIsSound(result.content)).toBe(true);
  const violations = checkProgram({ name: 'n', content: result.content }).filter((v) => !CARRIED_OVER.has(v.code));
  expect(violations).toEqual([]);
}

const count = (issues: readonly BlobIssue[], test: (issue: BlobIssue) => boolean) => issues.filter(test).length;

describe('readLegacyBlob properties', () => {
  it('never throws on anything at all', () => {
    const anything = fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withBigInt: true, withDate: true, withTypedArray: true });
    fc.assert(fc.property(anything, (blob) => expectWellFormed(readLegacyBlob(P, blob))));
    fc.assert(fc.property(anything, (workouts) => expectWellFormed(readLegacyBlob(P, { workouts: [workouts], schedule: workouts }))));
  });

  it('never throws on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (blob) => expectWellFormed(readLegacyBlob(P, blob))));
  });

  it('reads back what writeLegacyBlob wrote, with no issues', () => {
    fc.assert(
      fc.property(programContentArb(), (content) => {
        expect(readLegacyBlob(P, writeLegacyBlob(content))).toEqual({ ok: true, content, issues: [] });
        expect(readLegacyBlob(P, JSON.parse(JSON.stringify(writeLegacyBlob(content))))).toEqual({ ok: true, content, issues: [] });
      }),
    );
  });

  it('reads every older encoding of a program to the same content', () => {
    fc.assert(
      fc.property(programContentArb(), fc.gen(), (content, g) => {
        const { blob, dayMap } = legacyEncoding(content, g);
        const expected: ProgramContent = dayMap ? { ...content, schedule: byDay(content.schedule) } : content;
        expect(readLegacyBlob(P, blob)).toEqual({ ok: true, content: expected, issues: [] });
      }),
    );
  });

  it('stays well formed, and accounts for every workout, exercise and schedule entry, on corrupted blobs', () => {
    fc.assert(
      fc.property(programContentArb(), fc.gen(), (content, g) => {
        const blob = corrupted(writeLegacyBlob(content), g);
        const result = readLegacyBlob(P, blob);
        expectWellFormed(result);
        if (!result.ok) return;
        const raw = blob as { workouts: unknown[]; schedule?: unknown };
        const { issues } = result;
        expect(result.content.workouts.length + count(issues, (i) => i.code === 'WORKOUT_UNREADABLE')).toBe(raw.workouts.length);

        const readable = raw.workouts.filter((_, w) => !issues.some((i) => i.code === 'WORKOUT_UNREADABLE' && i.path === `workouts.${w}`));
        const rawExercises = readable.reduce<number>((n, w) => n + (Array.isArray((w as { exercises?: unknown }).exercises) ? (w as { exercises: unknown[] }).exercises.length : 0), 0);
        const keptExercises = result.content.workouts.reduce((n, w) => n + w.exercises.length, 0);
        expect(keptExercises + count(issues, (i) => i.code === 'EXERCISE_UNREADABLE' || i.code === 'EXERCISE_WITHOUT_SETS')).toBe(rawExercises);

        if (Array.isArray(raw.schedule)) {
          const droppedEntries = count(issues, (i) => /^schedule\.\d+$/.test(i.path));
          expect(result.content.schedule.length + droppedEntries).toBe(raw.schedule.length);
        }
      }),
    );
  });

  it('drops an unreadable workout like removeWorkout would, keeping every schedule entry on its workout', () => {
    const garbage = fc.constantFrom<unknown>('x', null, 42, [], { id: 'z' }, { name: 'N', exercises: 'none' });
    fc.assert(
      fc.property(programContentArb({ minWorkouts: 1 }), fc.nat(), garbage, (content, k, junk) => {
        const index = k % content.workouts.length;
        const blob = writeLegacyBlob(content) as { workouts: unknown[] };
        blob.workouts[index] = junk;
        const removed = removeWorkout(content, content.workouts[index]?.id ?? '');
        if (!removed.ok) throw new Error('workout must exist');
        const result = readLegacyBlob(P, blob);
        expect(result).toMatchObject({ ok: true, content: removed.content });
        expect(result.issues.map((i) => [i.path, i.code])).toEqual([
          [`workouts.${index}`, 'WORKOUT_UNREADABLE'],
          ...content.schedule.flatMap((e, s) => (e.workoutIndex === index ? [[`schedule.${s}`, 'SCHEDULE_WORKOUT_DROPPED']] : [])),
        ]);
      }),
    );
  });

  it('derives ids for both workouts that share an id, and only for them', () => {
    fc.assert(
      fc.property(programContentArb({ minWorkouts: 2 }), fc.nat(), fc.nat(), (content, a, b) => {
        const [i, j] = distinctPair(a, b, content.workouts.length);
        const blob = writeLegacyBlob(content);
        const original = blob.workouts[i];
        const copy = blob.workouts[j];
        if (original === undefined || copy === undefined) throw new Error('index out of range');
        copy.id = original.id;
        const result = readLegacyBlob(P, blob);
        const expected = content.workouts.map((w, w2) => (w2 === i || w2 === j ? { ...w, id: `${P}/w${w2}` } : w));
        expect(result).toEqual({ ok: true, content: { ...content, workouts: expected }, issues: expect.any(Array) });
        expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([
          [`workouts.${i}.id`, 'DUPLICATE_ID'],
          [`workouts.${j}.id`, 'DUPLICATE_ID'],
        ]);
      }),
    );
  });

  it('derives ids for exercises that share an id anywhere in the program', () => {
    const withTwoExercises = programContentArb().filter((c) => c.workouts.reduce((n, w) => n + w.exercises.length, 0) >= 2);
    fc.assert(
      fc.property(withTwoExercises, fc.nat(), fc.nat(), (content, a, b) => {
        const places = content.workouts.flatMap((w, wi) => w.exercises.map((_, ei) => [wi, ei] as const));
        const [i, j] = distinctPair(a, b, places.length);
        const blob = writeLegacyBlob(content);
        const at = ([wi, ei]: readonly [number, number]) => blob.workouts[wi]?.exercises[ei] ?? fail();
        const [pi, pj] = [places[i] ?? fail(), places[j] ?? fail()];
        at(pj).id = at(pi).id;
        const result = readLegacyBlob(P, blob);
        if (!result.ok) throw new Error('must stay readable');
        const ids = result.content.workouts.flatMap((w) => w.exercises.map((e) => e.id));
        const expected = content.workouts.flatMap((w, wi) =>
          w.exercises.map((e, ei) => ((wi === pi[0] && ei === pi[1]) || (wi === pj[0] && ei === pj[1]) ? `${P}/w${wi}/e${ei}` : e.id)),
        );
        expect(ids).toEqual(expected);
        expect(result.issues.map((issue) => issue.code)).toEqual(['DUPLICATE_ID', 'DUPLICATE_ID']);
      }),
    );
  });
});

/** Two different indexes below n (n ≥ 2), the smaller first. */
function distinctPair(a: number, b: number, n: number): [number, number] {
  const i = a % n;
  const j = (i + 1 + (b % (n - 1))) % n;
  return i < j ? [i, j] : [j, i];
}

/** Entries in day order, keeping their order within a day. */
function byDay(schedule: readonly ScheduleEntry[]): ScheduleEntry[] {
  return [...schedule].sort((x, y) => x.dayOfWeek - y.dayOfWeek);
}

function fail(): never {
  throw new Error('index out of range');
}
