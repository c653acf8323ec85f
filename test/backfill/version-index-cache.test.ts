import { matchIndexOf, VersionIndexCache } from '../../src/backfill/version-index-cache.js';
import type { VersionIndex } from '../../src/domain/backfill/history-match.js';
import type { VersionTree } from '../../src/store/version-tree.js';

const index = (versionId: string): VersionIndex => ({ versionId, content: { workouts: [] }, workoutRowIds: new Map(), exerciseRowIds: new Map() });

describe('the backfill run’s version index cache', () => {
  it('keeps at most its bound, evicting the least recently used first', () => {
    const cache = new VersionIndexCache(2);
    cache.add(index('v1'));
    cache.add(index('v2'));
    expect(cache.get('v1')?.versionId).toBe('v1'); // v2 is now the least recently used
    cache.add(index('v3'));
    expect(cache.size).toBe(2);
    expect(cache.get('v2')).toBeUndefined();
    expect(cache.get('v1')?.versionId).toBe('v1');
    expect(cache.get('v3')?.versionId).toBe('v3');
  });

  it('counts a version added twice once', () => {
    const cache = new VersionIndexCache(2);
    cache.add(index('v1'));
    cache.add(index('v1'));
    cache.add(index('v2'));
    expect(cache.size).toBe(2);
    expect(cache.get('v1')).toBeDefined();
  });

  it('refuses a bound below one', () => {
    expect(() => new VersionIndexCache(0)).toThrow(RangeError);
    expect(() => new VersionIndexCache(1.5)).toThrow(RangeError);
  });
});

describe('matchIndexOf', () => {
  it('keeps the ids, names and row ids matching reads, and none of the prescription', () => {
    const tree: VersionTree = {
      id: 'v1',
      programId: 'p',
      userId: 'u',
      number: 1,
      parentId: null,
      source: 'BACKFILL',
      name: 'P',
      contentHash: 'h',
      createdAt: new Date(0),
      content: {
        workouts: [{ id: 'a', name: 'Upper', exercises: [{ id: 'x', name: 'Bench', notes: 'slow', sets: [{ reps: 5, repsMax: null, weightKg: 60, restSeconds: 90 }] }] }],
        schedule: [{ dayOfWeek: 0, workoutIndex: 0 }],
      },
      workoutRowIds: new Map([['a', 'wa']]),
      exerciseRowIds: new Map([['x', 'ex']]),
    };
    expect(matchIndexOf(tree)).toEqual({
      versionId: 'v1',
      content: { workouts: [{ id: 'a', name: 'Upper', exercises: [{ id: 'x', name: 'Bench' }] }] },
      workoutRowIds: new Map([['a', 'wa']]),
      exerciseRowIds: new Map([['x', 'ex']]),
    });
  });
});
