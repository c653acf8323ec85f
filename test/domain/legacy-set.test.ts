import fc from 'fast-check';
import './fast-check-setup.js';
import { BlobIssueLog } from '../../src/domain/legacy-blob-issue.js';
import { DEFAULT_REST_SECONDS, readLegacySet, type RawSetFields } from '../../src/domain/legacy-set.js';
import { PROGRAM_LIMITS } from '../../src/domain/program-limits.js';

const PATHS = { reps: 'reps', repsMax: 'repsMax', weight: 'weight', rest: 'rest' };

function read(fields: Partial<RawSetFields>) {
  const log = new BlobIssueLog();
  const result = readLegacySet({ reps: undefined, repsMax: undefined, weight: undefined, rest: 60, ...fields }, PATHS, log);
  return { result, codes: log.issues.map((issue) => issue.code) };
}

describe('readLegacySet', () => {
  it.each([
    [8, 8, null],
    ['8', 8, null],
    [' 12 ', 12, null],
    ['8-10', 8, 10],
    ['8 - 10', 8, 10],
    ['8–10', 8, 10],
    ['5-5', 5, 5],
  ])('reads reps %j as %j with upper bound %j', (reps, expected, repsMax) => {
    expect(read({ reps }).result).toEqual({ ok: true, set: { reps: expected, repsMax, weightKg: null, restSeconds: 60 } });
  });

  it.each([[0], [-3], [8.5], ['8.5'], ['eight'], [''], [null], [undefined], [PROGRAM_LIMITS.maxReps + 1], [[8]], [{}], ['8-'], [Number.NaN], [Infinity]])(
    'finds reps %j unreadable',
    (reps) => {
      const { result, codes } = read({ reps });
      expect(result.ok).toBe(false);
      expect(codes).toEqual([]);
    },
  );

  it('lets an explicit repsMax win over a range', () => {
    expect(read({ reps: '8-10', repsMax: 12 }).result).toMatchObject({ set: { reps: 8, repsMax: 12 } });
  });

  it.each([
    ['10-8', undefined],
    [10, 9],
    [10, 'lots'],
    [10, PROGRAM_LIMITS.maxReps + 1],
  ])('drops an upper bound that cannot hold (reps %j, repsMax %j)', (reps, repsMax) => {
    const { result, codes } = read({ reps, repsMax });
    expect(result).toMatchObject({ ok: true, set: { reps: 10, repsMax: null } });
    expect(codes).toEqual(['REPS_MAX_DROPPED']);
  });

  it.each([
    [60, 60],
    ['62.5', 62.5],
    [0, 0],
    [PROGRAM_LIMITS.maxWeightKg, PROGRAM_LIMITS.maxWeightKg],
  ])('reads weight %j as %j', (weight, expected) => {
    expect(read({ reps: 5, weight })).toMatchObject({ result: { set: { weightKg: expected } }, codes: [] });
  });

  it.each([[-1], ['-5'], ['heavy'], [PROGRAM_LIMITS.maxWeightKg + 0.01], [{}]])('drops weight %j and keeps the set', (weight) => {
    expect(read({ reps: 5, weight })).toEqual({ result: { ok: true, set: { reps: 5, repsMax: null, weightKg: null, restSeconds: 60 } }, codes: ['WEIGHT_DROPPED'] });
  });

  it.each([
    [90, 90],
    ['90', 90],
    ['1:30', 90],
    ['0:05', 5],
    ['10:00', 600],
    [0, 0],
  ])('reads rest %j as %j seconds', (rest, expected) => {
    expect(read({ reps: 5, rest })).toMatchObject({ result: { set: { restSeconds: expected } }, codes: [] });
  });

  it.each([[undefined], [null], ['1:75'], [-1], [1.5], ['soon'], [PROGRAM_LIMITS.maxRestSeconds + 1]])('defaults rest %j', (rest) => {
    expect(read({ reps: 5, rest })).toMatchObject({ result: { set: { restSeconds: DEFAULT_REST_SECONDS } }, codes: ['REST_DEFAULTED'] });
  });

  it('never throws, and a set it reads is within the limits', () => {
    const value = fc.oneof(fc.anything(), fc.integer(), fc.double(), fc.stringMatching(/^\d{1,4}([-:]\d{1,4})?$/));
    fc.assert(
      fc.property(value, value, value, value, (reps, repsMax, weight, rest) => {
        const { result } = read({ reps, repsMax, weight, rest });
        if (!result.ok) return;
        const { set } = result;
        expect(Number.isInteger(set.reps) && set.reps >= PROGRAM_LIMITS.minReps && set.reps <= PROGRAM_LIMITS.maxReps).toBe(true);
        expect(set.repsMax === null || (Number.isInteger(set.repsMax) && set.repsMax >= set.reps && set.repsMax <= PROGRAM_LIMITS.maxReps)).toBe(true);
        expect(set.weightKg === null || (set.weightKg >= 0 && set.weightKg <= PROGRAM_LIMITS.maxWeightKg)).toBe(true);
        expect(Number.isInteger(set.restSeconds) && set.restSeconds >= 0 && set.restSeconds <= PROGRAM_LIMITS.maxRestSeconds).toBe(true);
      }),
    );
  });
});
