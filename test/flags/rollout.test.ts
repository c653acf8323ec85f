import fc from 'fast-check';
import { loadConfig } from '../../src/config.js';
import { createFlagEvaluator } from '../../src/flags/flag-snapshot.js';
import { flagsOf } from '../../src/flags/legal-phase.js';
import { PHASES } from '../../src/flags/phase.js';
import { rolloutIncludes, rolloutSchema, userBucket } from '../../src/flags/rollout.js';

describe('rollouts', () => {
  it('parses on, off and percentages, and nothing else', () => {
    expect(rolloutSchema.parse('on')).toBe(100);
    expect(rolloutSchema.parse(' off ')).toBe(0);
    expect(rolloutSchema.parse('25%')).toBe(25);
    for (const bad of ['yes', '25', '101%', '-5%', '%', 'ON', 'Off']) expect(rolloutSchema.safeParse(bad).success).toBe(false);
  });

  it('is stable per user and nests: a user in a smaller rollout is in every larger one', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (user, a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(rolloutIncludes(small, user)).toBe(rolloutIncludes(small, user.toUpperCase()));
        if (rolloutIncludes(small, user)) expect(rolloutIncludes(large, user)).toBe(true);
      }),
    );
  });

  it('puts about the given share of users in a rollout', () => {
    const users = fc.sample(fc.uuid(), 4000);
    const share = users.filter((u) => rolloutIncludes(25, u)).length / users.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(new Set(users.map(userBucket)).size).toBe(100);
  });
});

describe('flag snapshots', () => {
  it('evaluates per user through OpenFeature and freezes the result; READS only where WRITES is on', async () => {
    const evaluate = createFlagEvaluator({ PROGRAM_VERSIONING_WRITES: 50, PROGRAM_VERSIONING_READS: 50, LEGACY_JSON_WRITES: 100 });
    const users = fc.sample(fc.uuid(), 200);
    const phases = await Promise.all(users.map((u) => evaluate(u)));
    const snapshots = phases.map(flagsOf);
    for (const [i, s] of snapshots.entries()) {
      expect(Object.isFrozen(phases[i])).toBe(true);
      expect(s.versioningWrites).toBe(rolloutIncludes(50, users[i]!));
      if (s.versioningReads) expect(s.versioningWrites).toBe(true);
      expect(s.legacyJsonWrites).toBe(true);
    }
    expect(snapshots.some((s) => s.versioningWrites)).toBe(true);
    expect(snapshots.some((s) => !s.versioningWrites)).toBe(true);
    expect(await evaluate(null)).toBe(PHASES.legacyOnly);
  });

  it('refuses illegal combinations at start-up with a clear message', () => {
    expect(() => loadConfig({ PROGRAM_VERSIONING_READS: 'on' })).toThrow(/PROGRAM_VERSIONING_READS=on needs PROGRAM_VERSIONING_WRITES/);
    expect(() => loadConfig({ PROGRAM_VERSIONING_WRITES: '20%', PROGRAM_VERSIONING_READS: '30%' })).toThrow(/needs PROGRAM_VERSIONING_WRITES at least as high/);
    expect(() => loadConfig({ PROGRAM_VERSIONING_WRITES: 'on', LEGACY_JSON_WRITES: 'off' })).toThrow(/LEGACY_JSON_WRITES=off needs/);
    expect(() => loadConfig({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: '50%' })).toThrow(/on or off/);
    expect(loadConfig({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' }).LEGACY_JSON_WRITES).toBe(0);
    expect(loadConfig({ PROGRAM_VERSIONING_WRITES: '30%', PROGRAM_VERSIONING_READS: '10%' }).PROGRAM_VERSIONING_READS).toBe(10);
  });
});
