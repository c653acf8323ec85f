import { jest } from '@jest/globals';
import { ResponseCache } from '../../../src/server/response-cache/response-cache.js';
import { exposeGc } from '../../support/expose-gc.js';

const gc = exposeGc();

/** Hostile callers (many documents or variables, many users) must not grow the kept answers without bound. */
describe('ResponseCache bounds', () => {
  const answer = (n: number) => ({ data: { activeProgram: { id: String(n), name: 'x'.repeat(100) } } });
  const bytesOf = (n: number, key = 'k') => JSON.stringify(answer(n)).length + key.length;

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
    expect(cache.size().users).toBe(9);
  });

  it('weighs an answer as V8 keeps its text: a byte per character, two where a character needs them', () => {
    const cache = new ResponseCache({ maxUsers: 1000, maxEntriesPerUser: 4, maxBytes: 1e6 });
    const named = (name: string) => ({ data: { activeProgram: { id: 'p', name } } });
    cache.set('latin', 'k', 'v', named('Bankdrücken'.repeat(100)));
    const latin = cache.size().bytes;
    expect(latin).toBe(JSON.stringify(named('Bankdrücken'.repeat(100))).length + 1);
    cache.set('wide', 'k', 'v', named('Жим лёжа'.repeat(100)));
    // The text two bytes a character, its key ('k') one.
    expect(cache.size().bytes - latin).toBe(JSON.stringify(named('Жим лёжа'.repeat(100))).length * 2 + 1);
    // So a budget holds as many ASCII answers as their text fills it with (it held half as many).
    const ascii = new ResponseCache({ maxUsers: 1000, maxEntriesPerUser: 4, maxBytes: bytesOf(1) * 10 });
    for (let i = 0; i < 10; i++) ascii.set(`user ${i}`, 'k', 'v', answer(1));
    expect(ascii.size().users).toBe(10);
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

/**
 * A kept answer lives as long as the process: as objects, every full
 * collection would mark them all again (the half-load stalls of
 * bench/README.md). It is kept as its response text alone.
 */
describe('ResponseCache keeps answers as text', () => {
  const answer = () => ({ data: { activeProgram: { id: 'p1', name: 'Strength', workouts: [{ id: 'w1', name: 'Upper', exercises: [] }] } } });

  it('does not keep the objects of the answer it was given', async () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 4, maxBytes: 1e6 });
    let kept: ReturnType<typeof answer> | undefined = answer();
    const ref = new WeakRef(kept.data);
    cache.set('u', 'k', 'v', kept);
    kept = undefined;
    for (let i = 0; i < 5 && ref.deref(); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    expect(cache.get('u', 'k', 'v')).toEqual(answer());
  });

  it('sends a hit as the kept text, without parsing it', () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 4, maxBytes: 1e6 });
    cache.set('u', 'k', 'v', answer());
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const hit = cache.get('u', 'k', 'v')!;
      expect(cache.serialised(hit)).toBe(JSON.stringify(answer()));
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it("a hit's data reads as the answer did, and cannot be changed", () => {
    const cache = new ResponseCache({ maxUsers: 10, maxEntriesPerUser: 4, maxBytes: 1e6 });
    cache.set('u', 'k', 'v', answer());
    const hit = cache.get('u', 'k', 'v')! as ReturnType<typeof answer>;
    expect(JSON.stringify(hit)).toBe(JSON.stringify(answer()));
    expect(Object.keys(hit.data)).toEqual(['activeProgram']);
    expect('activeProgram' in hit.data).toBe(true);
    expect(hit.data.activeProgram.workouts[0]!.name).toBe('Upper');
    expect(() => {
      'use strict';
      (hit.data as Record<string, unknown>).activeProgram = null;
    }).toThrow(TypeError);
    expect(hit.data.activeProgram.name).toBe('Strength');
    // Each hit is its own: another request's reading does not share objects with it.
    expect((cache.get('u', 'k', 'v') as ReturnType<typeof answer>).data.activeProgram).not.toBe(hit.data.activeProgram);
  });
});
