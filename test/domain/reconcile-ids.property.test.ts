import fc from 'fast-check';
import './fast-check-setup.js';
import { normaliseName } from '../../src/domain/normalise-name.js';
import type { ProgramContent, ProgramDraft, Workout } from '../../src/domain/program.js';
import { reconcileIds } from '../../src/domain/reconcile-ids.js';
import { idArb, idsAreUnique, nameArb, namesAreDistinct, programContentArb, setArb } from './arbitraries.js';
import { freshIds, remap, reshuffle, stripIds, withoutIds } from './draft-transforms.js';

const distinct = programContentArb({ distinctNames: true });

describe('reconcileIds properties', () => {
  it('gives unique ids whatever it is sent', () => {
    // Incoming ids drawn from the stored ones and random ones, duplicated at will.
    const incomingArb = (stored: ProgramContent) => {
      const storedIds = stored.workouts.flatMap((w) => [w.id, ...w.exercises.map((e) => e.id)]);
      const hint = storedIds.length === 0 ? fc.option(idArb) : fc.option(fc.oneof(fc.constantFrom(...storedIds), idArb));
      return programContentArb().chain((shape) =>
        fc.record({
          workouts: fc.tuple(...shape.workouts.map((w) => fc.record({ id: hint, name: fc.constant(w.name), exercises: fc.tuple(...w.exercises.map((e) => fc.record({ id: hint, name: fc.constant(e.name), sets: fc.constant(e.sets) }))) }))),
          schedule: fc.constant(shape.schedule),
        }),
      );
    };
    fc.assert(
      fc.property(programContentArb().chain((stored) => fc.tuple(fc.constant(stored), incomingArb(stored))), ([stored, incoming]) => {
        expect(idsAreUnique(reconcileIds(stored, incoming as ProgramDraft, freshIds()))).toBe(true);
      }),
    );
  });

  it('returns the stored content when sent it back', () => {
    fc.assert(fc.property(programContentArb(), (content) => expect(reconcileIds(content, content, freshIds())).toEqual(content)));
  });

  it('gives every reordered, stripped or re-identified item the id of a stored item with the same content', () => {
    fc.assert(
      fc.property(programContentArb(), fc.gen(), (stored, g) => {
        const { draft, expected } = reshuffle(stored, g);
        const result = reconcileIds(stored, draft, freshIds());
        const storedWorkout = new Map(stored.workouts.map((w) => [w.id, w]));
        const storedExercise = new Map(stored.workouts.flatMap((w) => w.exercises.map((e) => [e.id, e])));
        expect(idsAreUnique(result)).toBe(true);
        expect(result.schedule).toEqual(expected.schedule);
        result.workouts.forEach((w) => {
          // Exercises may have been reordered, so the workout's own content is its name and its exercises as a multiset.
          expect(unordered(storedWorkout.get(w.id) ?? fail(`new workout id ${w.id}`))).toEqual(unordered(w));
          w.exercises.forEach((e) => expect(withoutIds(storedExercise.get(e.id) ?? fail(`new exercise id ${e.id}`))).toEqual(withoutIds(e)));
        });
      }),
    );
  });

  it('gives every reordered, stripped or re-identified item exactly its original id when items are distinguishable', () => {
    fc.assert(
      fc.property(distinct, fc.gen(), (stored, g) => {
        fc.pre(namesAreDistinct(stored));
        const { draft, expected } = reshuffle(stored, g);
        expect(reconcileIds(stored, draft, freshIds())).toEqual(expected);
      }),
    );
  });

  it('keeps every id when a workout is added, and gives the new one fresh ids', () => {
    const newWorkout = fc.record({ name: nameArb, exercises: fc.array(fc.record({ name: nameArb, sets: fc.array(setArb, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }) });
    fc.assert(
      fc.property(programContentArb(), newWorkout, fc.nat(), fc.boolean(), (stored, added, at, strip) => {
        const position = at % (stored.workouts.length + 1);
        const base: ProgramDraft = strip ? stripIds(stored) : stored;
        const order = [...stored.workouts.keys()];
        order.splice(position, 0, -1);
        const draft: ProgramDraft = { workouts: order.map((i) => base.workouts[i] ?? added), schedule: remap(stored.schedule, order) };
        const result = reconcileIds(stored, draft, freshIds());

        const fresh = freshIds();
        const expectedNew: Workout = { id: fresh(), name: added.name, exercises: added.exercises.map((e) => ({ id: fresh(), name: e.name, notes: null, sets: e.sets })) };
        expect(result).toEqual({ workouts: order.map((i) => stored.workouts[i] ?? expectedNew), schedule: draft.schedule });
      }),
    );
  });

  it('keeps the ids of a renamed workout sent without ids, when the rename is unambiguous', () => {
    const withExercises = distinct.filter((c) => c.workouts.some((w) => w.exercises.length > 0));
    fc.assert(
      fc.property(withExercises, nameArb, fc.nat(), fc.gen(), (stored, newName, k, g) => {
        const candidates = stored.workouts.flatMap((w, i) => (w.exercises.length > 0 ? [i] : []));
        const renamed = candidates[k % candidates.length] ?? fail('no candidate');
        const name = `${newName} (renamed)`;
        fc.pre(namesAreDistinct(stored) && stored.workouts.every((w) => normaliseName(w.name) !== normaliseName(name)));
        const edited: ProgramContent = { ...stored, workouts: stored.workouts.map((w, i) => (i === renamed ? { ...w, name } : w)) };
        const { draft, expected } = reshuffle(edited, g, ['strip']);
        expect(reconcileIds(stored, draft, freshIds())).toEqual(expected);
      }),
    );
  });

  it('keeps the ids of a workout whose sets were edited, sent without ids', () => {
    const withExercises = distinct.filter((c) => c.workouts.some((w) => w.exercises.length > 0));
    fc.assert(
      fc.property(withExercises, fc.array(setArb, { minLength: 1, maxLength: 3 }), fc.nat(), fc.gen(), (stored, newSets, k, g) => {
        fc.pre(namesAreDistinct(stored));
        const places = stored.workouts.flatMap((w, wi) => w.exercises.map((_, ei) => [wi, ei] as const));
        const [wi, ei] = places[k % places.length] ?? fail('no exercise');
        const edited: ProgramContent = {
          ...stored,
          workouts: stored.workouts.map((w, i) => (i !== wi ? w : { ...w, exercises: w.exercises.map((e, j) => (j === ei ? { ...e, sets: newSets } : e)) })),
        };
        const { draft, expected } = reshuffle(edited, g, ['strip']);
        expect(reconcileIds(stored, draft, freshIds())).toEqual(expected);
      }),
    );
  });
});

function unordered(workout: Workout): unknown {
  return { name: workout.name, exercises: workout.exercises.map((e) => JSON.stringify(withoutIds(e))).sort() };
}

function fail(message: string): never {
  throw new Error(message);
}
