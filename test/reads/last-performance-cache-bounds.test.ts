import { LastPerformanceCache } from '../../src/reads/last-performance-cache.js';
import type { ExercisePerformanceModel } from '../../src/models/read-models.js';

/** A performance stands in by identity: the cache never looks inside one. */
const performance = (exerciseId: string) => ({ exerciseId }) as unknown as ExercisePerformanceModel;
const read = (ids: string[]) => new Map(ids.map((id) => [id, performance(id)]));

describe('the last-performance cache’s bounds', () => {
  it('keeps at most its users, least recently read out first', () => {
    const cache = new LastPerformanceCache(2, 100);
    cache.remember('a', 'w1', 'versioned', read(['x']));
    cache.remember('b', 'w1', 'versioned', read(['x']));
    expect(cache.lookup('a', 'w1', 'versioned', ['x']).size).toBe(1); // b is now the least recently read
    cache.remember('c', 'w1', 'versioned', read(['x']));
    expect(cache.size).toBe(2);
    expect(cache.lookup('b', 'w1', 'versioned', ['x']).size).toBe(0);
    expect(cache.lookup('a', 'w1', 'versioned', ['x']).size).toBe(1);
    expect(cache.lookup('c', 'w1', 'versioned', ['x']).size).toBe(1);
  });

  it('keeps at most its bound of exercises per user, however many one read brings', () => {
    const cache = new LastPerformanceCache(10, 3);
    cache.remember('a', 'w1', 'legacy', read(['p', 'q', 'r', 's', 't']));
    cache.remember('a', 'w1', 'legacy', read(['u']));
    expect(cache.lookup('a', 'w1', 'legacy', ['p', 'q', 'r', 's', 't', 'u']).size).toBe(3);
  });

  it('serves nothing at another watermark or for the other read path, and a new watermark replaces the old entries', () => {
    const cache = new LastPerformanceCache(10, 10);
    cache.remember('a', 'w1', 'legacy', read(['x']));
    expect(cache.lookup('a', 'w2', 'legacy', ['x']).size).toBe(0);
    expect(cache.lookup('a', 'w1', 'versioned', ['x']).size).toBe(0);
    cache.remember('a', 'w2', 'legacy', read(['y']));
    expect(cache.lookup('a', 'w1', 'legacy', ['x']).size).toBe(0);
    expect([...cache.lookup('a', 'w2', 'legacy', ['x', 'y']).keys()]).toEqual(['y']);
  });
});
