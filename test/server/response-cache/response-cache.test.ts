import { ResponseCache } from '../../../src/server/response-cache/response-cache.js';

/** Hostile callers (many documents or variables, many users) must not grow the kept answers without bound. */
describe('ResponseCache bounds', () => {
  const answer = (n: number) => ({ data: { activeProgram: { id: String(n), name: 'x'.repeat(100) } } });
  const bytesOf = (n: number, key = 'k') => (JSON.stringify(answer(n)).length + key.length) * 2;

  it('serves an answer only under the validator it was kept with', () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 4, maxBytes: 1e6 });
    cache.set('u', 'k', 'v1', answer(1));
    expect(cache.get('u', 'k', 'v1')).toEqual(answer(1));
    expect(cache.get('u', 'k', 'v2')).toBeUndefined();
    expect(cache.get('other', 'k', 'v1')).toBeUndefined();
  });

  it('keeps at most maxEntriesPerUser answers per user, dropping the least recently read', () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 2, maxBytes: 1e6 });
    cache.set('u', 'a', 'v', answer(1));
    cache.set('u', 'b', 'v', answer(2));
    cache.get('u', 'a', 'v');
    for (let i = 0; i < 1000; i++) cache.set('u', `doc ${i}`, 'v', answer(i));
    expect(cache.size().entries).toBe(2);
    expect(cache.get('u', 'a', 'v')).toBeUndefined();
    expect(cache.get('u', 'doc 999', 'v')).toEqual(answer(999));
  });

  it('keeps at most maxUsers users, dropping the least recently read', () => {
    const cache = new ResponseCache({ maxUsers: 3, maxEntriesPerUser: 4, maxBytes: 1e6 });
    for (const user of ['a', 'b', 'c']) cache.set(user, 'k', 'v', answer(1));
    cache.get('a', 'k', 'v');
    cache.set('d', 'k', 'v', answer(1));
    expect(cache.size().users).toBe(3);
    expect(cache.get('b', 'k', 'v')).toBeUndefined();
    expect(cache.get('a', 'k', 'v')).toBeDefined();
  });

  it('keeps at most maxBytes, and never an answer larger than that', () => {
    const cache = new ResponseCache({ maxUsers: 1000, maxEntriesPerUser: 4, maxBytes: bytesOf(1) * 5 });
    for (let i = 0; i < 100; i++) cache.set(`user ${i}`, 'k', 'v', answer(1));
    expect(cache.size().bytes).toBeLessThanOrEqual(bytesOf(1) * 5);
    expect(cache.size().users).toBe(5);
    cache.set('big', 'k', 'v', { data: { activeProgram: { id: 'x'.repeat(bytesOf(1) * 5) } } });
    expect(cache.get('big', 'k', 'v')).toBeUndefined();
    expect(cache.size().bytes).toBeLessThanOrEqual(bytesOf(1) * 5);
  });

  it('counts the key\'s bytes: long documents or variables are bounded too', () => {
    const cache = new ResponseCache({ maxUsers: 1000, maxEntriesPerUser: 4, maxBytes: 1e6 });
    for (let i = 0; i < 100; i++) cache.set(`user ${i}`, `${i}`.padEnd(100_000), 'v', answer(1));
    expect(cache.size().bytes).toBeLessThanOrEqual(1e6);
    expect(cache.size().users).toBe(4);
  });

  it('gives the kept text only for a kept answer as sent: its data and nothing else', () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 4, maxBytes: 1e6 });
    const kept = answer(1);
    cache.set('u', 'k', 'v', kept);
    expect(cache.serialised({ ...kept, errors: undefined })).toBe(JSON.stringify(kept));
    expect(cache.serialised({ ...kept, extensions: { ftv1: 'trace' } })).toBeUndefined();
    expect(cache.serialised(answer(1))).toBeUndefined();
  });

  it('a newer answer under the same key replaces the older one and its bytes', () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 4, maxBytes: 1e6 });
    cache.set('u', 'k', 'v1', answer(1));
    cache.set('u', 'k', 'v2', answer(2));
    expect(cache.size()).toEqual({ users: 1, entries: 1, bytes: bytesOf(2) });
    expect(cache.get('u', 'k', 'v2')).toEqual(answer(2));
  });
});
