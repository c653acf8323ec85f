import fc from 'fast-check';
import './fast-check-setup.js';
import type { ProgramContent } from '../../src/domain/program.js';
import { removeWorkout } from '../../src/domain/schedule-repair.js';
import { programContentArb, scheduleIsSound } from './arbitraries.js';

const workout = (id: string) => ({ id, name: id.toUpperCase(), exercises: [] });

const content: ProgramContent = {
  workouts: [workout('a'), workout('b'), workout('c')],
  schedule: [
    { dayOfWeek: 0, workoutIndex: 0 },
    { dayOfWeek: 1, workoutIndex: 1 },
    { dayOfWeek: 2, workoutIndex: 2 },
    { dayOfWeek: 3, workoutIndex: 1 },
    { dayOfWeek: 4, workoutIndex: 2 },
  ],
};

describe('removeWorkout', () => {
  it('drops the entries of the removed workout and moves later ones down', () => {
    expect(removeWorkout(content, 'b')).toEqual({
      ok: true,
      content: {
        workouts: [workout('a'), workout('c')],
        schedule: [
          { dayOfWeek: 0, workoutIndex: 0 },
          { dayOfWeek: 2, workoutIndex: 1 },
          { dayOfWeek: 4, workoutIndex: 1 },
        ],
      },
    });
  });

  it('removes the last workout without touching other entries', () => {
    const removed = removeWorkout(content, 'c');
    expect(removed.ok && removed.content.schedule).toEqual(content.schedule.filter((e) => e.workoutIndex !== 2));
  });

  it('reports an unknown workout and leaves the content alone', () => {
    expect(removeWorkout(content, 'zzz')).toEqual({ ok: false, reason: 'WORKOUT_NOT_FOUND' });
  });

  it('keeps every remaining entry on the same workout, and only drops those of the removed one', () => {
    fc.assert(
      fc.property(programContentArb({ minWorkouts: 1 }), fc.nat(), (before, k) => {
        const target = before.workouts[k % before.workouts.length]!;
        const removed = removeWorkout(before, target.id);
        if (!removed.ok) throw new Error('the workout exists');
        const after = removed.content;

        expect(scheduleIsSound(after)).toBe(true);
        const idsBefore = before.schedule.map((e) => `${e.dayOfWeek}:${before.workouts[e.workoutIndex]!.id}`).filter((key) => !key.endsWith(`:${target.id}`));
        const idsAfter = after.schedule.map((e) => `${e.dayOfWeek}:${after.workouts[e.workoutIndex]!.id}`);
        expect(idsAfter).toEqual(idsBefore);
        const pointedAtRemoved = before.schedule.filter((e) => before.workouts[e.workoutIndex]!.id === target.id).length;
        expect(after.schedule.length).toBe(before.schedule.length - pointedAtRemoved);
        expect(after.workouts).toEqual(before.workouts.filter((w) => w.id !== target.id));
      }),
    );
  });

  it('finds nothing to remove for an id no workout has', () => {
    fc.assert(
      fc.property(programContentArb(), fc.string(), (before, id) => {
        fc.pre(!before.workouts.some((w) => w.id === id));
        expect(removeWorkout(before, id)).toEqual({ ok: false, reason: 'WORKOUT_NOT_FOUND' });
      }),
    );
  });
});
