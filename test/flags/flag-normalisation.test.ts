import { Writable } from 'node:stream';
import { ErrorCode, type EvaluationContext, type ResolutionDetails } from '@openfeature/server-sdk';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { FLAG } from '../../src/flags/flag-snapshot.js';
import { describeFlags, flagsOf, isLegal, normaliseFlags, type EvaluatedFlags } from '../../src/flags/legal-phase.js';
import { PHASES, type Phase } from '../../src/flags/phase.js';
import { startApp, type RunningApp } from '../../src/server/app.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { BooleanFlagProvider } from '../../src/flags/boolean-flag-provider.js';

/**
 * A provider that evaluates per user at run time (a flag file, a flag service)
 * can hand one request any of the 8 combinations of the three flags, whatever
 * the start-up check allowed. With versioned writes off and legacy writes off,
 * modifyProgram used to store nothing but `updated_at` and answer success.
 * Each request's flags are now normalised to the nearest legal phase on the
 * safe side, and every normalisation is logged and counted.
 */

/** Hands each user (targeting key) the combination chosen for it. */
class PerUserProvider extends BooleanFlagProvider {
  readonly metadata = { name: 'per-user test provider' } as const;

  constructor(private readonly byUser: ReadonlyMap<string, EvaluatedFlags>) {
    super();
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const flags = this.byUser.get(context.targetingKey ?? '');
    if (!flags) return { value: defaultValue, reason: 'DEFAULT' };
    const value = { [FLAG.versioningWrites]: flags.versioningWrites, [FLAG.versioningReads]: flags.versioningReads, [FLAG.legacyJsonWrites]: flags.legacyJsonWrites }[flagKey];
    return value === undefined ? { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND } : { value, reason: 'TARGETING_MATCH' };
  }
}

const COMBINATIONS: EvaluatedFlags[] = [false, true].flatMap((versioningWrites) =>
  [false, true].flatMap((versioningReads) => [false, true].map((legacyJsonWrites) => ({ versioningWrites, versioningReads, legacyJsonWrites }))),
);
const userFor = (i: number) => `76000000-0000-4000-8000-00000000000${i}`;

/** [evaluated, phase used]: the 4 legal states stay as they are; the 4 others go to the nearest safe phase. */
const EXPECTED: [string, string][] = [
  ['writes=off,reads=off,legacy_json_writes=off', 'phase-1'],
  ['writes=off,reads=off,legacy_json_writes=on', 'phase-1'],
  ['writes=off,reads=on,legacy_json_writes=off', 'phase-1'],
  ['writes=off,reads=on,legacy_json_writes=on', 'phase-1'],
  ['writes=on,reads=off,legacy_json_writes=off', 'phase-2/3'],
  ['writes=on,reads=off,legacy_json_writes=on', 'phase-2/3'],
  ['writes=on,reads=on,legacy_json_writes=off', 'phase-5'],
  ['writes=on,reads=on,legacy_json_writes=on', 'phase-4'],
];
const ILLEGAL = ['writes=off,reads=off,legacy_json_writes=off', 'writes=off,reads=on,legacy_json_writes=off', 'writes=off,reads=on,legacy_json_writes=on', 'writes=on,reads=off,legacy_json_writes=off'];

describe('normaliseFlags', () => {
  it('maps each of the 8 combinations to the nearest legal phase on the safe side', () => {
    expect(COMBINATIONS.map((flags) => [describeFlags(flags), normaliseFlags(flags).name])).toEqual(EXPECTED);
    expect(COMBINATIONS.filter((flags) => !isLegal(flags)).map(describeFlags)).toEqual(ILLEGAL);
  });

  it('never drops a write: the blob is written unless versions are written and read', () => {
    for (const flags of COMBINATIONS) {
      const phase = normaliseFlags(flags);
      const effective = flagsOf(phase);
      expect(effective.legacyJsonWrites || (effective.versioningWrites && effective.versioningReads)).toBe(true);
      expect(!effective.versioningReads || effective.versioningWrites).toBe(true);
      expect(Object.isFrozen(phase)).toBe(true);
    }
  });
});

describe('the phase', () => {
  it('is one of four frozen values, told apart by kind, each the normalisation of its own flags', () => {
    const phases: Phase[] = Object.values(PHASES);
    expect(new Set(COMBINATIONS.map(normaliseFlags))).toEqual(new Set(phases));
    expect(phases.map((p) => [p.kind, p.name])).toEqual([
      ['legacy-only', 'phase-1'],
      ['dual-write-legacy-reads', 'phase-2/3'],
      ['dual-write-versioned-reads', 'phase-4'],
      ['versioned-only', 'phase-5'],
    ]);
    for (const phase of phases) {
      expect(Object.isFrozen(phase)).toBe(true);
      expect(normaliseFlags(flagsOf(phase))).toBe(phase);
    }
  });
});

describe('per-request normalisation with a provider that hands out every combination', () => {
  let db: TestDatabase;
  let app: RunningApp;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const sink = new Writable({
      write(chunk, _, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const provider = new PerUserProvider(new Map(COMBINATIONS.map((flags, i) => [userFor(i), flags])));
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: db.url });
    app = await startApp(config, db.orm, pino({ level: 'warn' }, sink), { flagProvider: provider });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  async function gql(query: string, variables: Record<string, unknown>, userId: string) {
    const response = await fetch(`${app.url}graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': userId }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  it.each(COMBINATIONS.map((flags, i) => [describeFlags(flags), i] as const))('keeps every edit with %s', async (label, i) => {
    const user = userFor(i);
    const created = (await gql(CREATE_PROGRAM, { input: upperLower('Original') }, user)).createProgram;
    const edited = upperLower(`Edited under ${label}`);
    edited.workouts[1]!.name = 'Legs';
    const answered = (await gql(MODIFY_PROGRAM, { id: created.id, input: edited }, user)).modifyProgram;
    expect(answered.name).toBe(`Edited under ${label}`);

    const { program } = await gql(`query ($id: ID!) { program(id: $id) { name workouts { name } } }`, { id: created.id }, user);
    expect(program).toEqual({ name: `Edited under ${label}`, workouts: [{ name: 'Upper A' }, { name: 'Legs' }] });
  });

  it('logs and counts each normalisation, for the 4 illegal combinations only', async () => {
    const counted = (await app.metrics.registry.getSingleMetric('training_flag_normalisations_total')!.get()).values;
    expect(counted.map((v) => v.labels.from).sort()).toEqual([...ILLEGAL].sort());
    for (const { labels, value } of counted) {
      expect(labels.to).toBe(EXPECTED.find(([from]) => from === labels.from)![1]);
      expect(value).toBeGreaterThanOrEqual(3); // create, modify, read: one evaluation per request
    }
    const warnings = lines.filter((l) => l.level === 40 && l.from);
    for (const [i, flags] of COMBINATIONS.entries()) {
      const mine = warnings.filter((l) => l.userId === userFor(i));
      if (isLegal(flags)) {
        expect(mine).toEqual([]);
        continue;
      }
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expect(mine[0]).toMatchObject({ evaluatedFlags: flags, normalisedFlags: flagsOf(normaliseFlags(flags)), from: describeFlags(flags), to: normaliseFlags(flags).name });
    }
  });
});
