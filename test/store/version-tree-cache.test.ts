import type { EntityManager } from '@mikro-orm/postgresql';
import { approximateBytes, VersionTreeCache } from '../../src/store/version-tree-cache.js';
import type { VersionTree } from '../../src/store/version-tree.js';

/** A tree of `exercises` exercises in one workout, owned by `userId`. */
function tree(id: string, userId = 'u', exercises = 5): VersionTree {
  const ids = Array.from({ length: exercises }, (_, i) => `${id}-e${i}`);
  return {
    id,
    programId: `p-${id}`,
    userId,
    number: 1,
    parentId: null,
    source: 'USER',
    name: 'P',
    contentHash: 'h',
    createdAt: new Date(0),
    content: {
      workouts: [{ id: `${id}-w`, name: 'Upper', exercises: ids.map((e) => ({ id: e, name: 'Bench', notes: null, sets: [{ reps: 5, repsMax: null, weightKg: 60, restSeconds: 90 }] })) }],
      schedule: [{ dayOfWeek: 0, workoutIndex: 0 }],
    },
    workoutRowIds: new Map([[`${id}-w`, `${id}-rw`]]),
    exerciseRowIds: new Map(ids.map((e) => [e, `${e}-r`])),
  };
}

/** Every id asked for is a hit here, so the entity manager is never used. */
const NO_DATABASE = {} as EntityManager;

describe('the version tree cache', () => {
  it('keeps at most its byte budget however few trees that is, least recently read out first', async () => {
    const one = approximateBytes(tree('a'));
    const cache = new VersionTreeCache({ maxTrees: 1000, maxBytes: one * 3 });
    for (const id of ['a', 'b', 'c']) cache.remember(tree(id));
    expect((await cache.load(NO_DATABASE, 'u', ['a'])).size).toBe(1); // b is now the least recently read
    cache.remember(tree('d'));
    expect(cache.size()).toEqual({ trees: 3, bytes: one * 3 });
    expect((await cache.load(NO_DATABASE, 'u', ['a', 'c', 'd'])).size).toBe(3);
  });

  it('weighs a tree by its size: a huge program takes the room of many small ones, and one over the budget is not kept', () => {
    const small = approximateBytes(tree('s'));
    expect(approximateBytes(tree('big', 'u', 200))).toBeGreaterThan(small * 20);
    const cache = new VersionTreeCache({ maxTrees: 1000, maxBytes: small * 10 });
    for (let i = 0; i < 10; i++) cache.remember(tree(`s${i}`));
    cache.remember(tree('big', 'u', 40));
    expect(cache.size().bytes).toBeLessThanOrEqual(small * 10);
    expect(cache.size().trees).toBeLessThan(10);
    cache.remember(tree('huge', 'u', 400));
    expect(cache.size().bytes).toBeLessThanOrEqual(small * 10);
  });

  it('keeps at most its count', () => {
    const cache = new VersionTreeCache({ maxTrees: 2, maxBytes: 1e9 });
    for (const id of ['a', 'b', 'c']) cache.remember(tree(id));
    expect(cache.size().trees).toBe(2);
  });

  it("serves a tree only to its owner, and another user's read does not keep it", async () => {
    const cache = new VersionTreeCache({ maxTrees: 2, maxBytes: 1e9 });
    cache.remember(tree('a', 'owner'));
    cache.remember(tree('b', 'owner'));
    expect((await cache.load(NO_DATABASE, 'intruder', ['a'])).size).toBe(0);
    cache.remember(tree('c', 'owner')); // a was not made recent by the intruder's read: it goes
    expect((await cache.load(NO_DATABASE, 'owner', ['b', 'c'])).size).toBe(2);
    expect(cache.size().trees).toBe(2);
  });
});
