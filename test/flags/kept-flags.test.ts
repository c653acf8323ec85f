import { jest } from '@jest/globals';
import { ErrorCode, OpenFeatureEventEmitter, ProviderEvents, type EvaluationContext, type ResolutionDetails } from '@openfeature/server-sdk';
import { EnvFlagProvider } from '../../src/flags/env-flag-provider.js';
import { createFlagEvaluator } from '../../src/flags/flag-snapshot.js';
import { PHASES } from '../../src/flags/phase.js';
import { BooleanFlagProvider } from '../../src/flags/boolean-flag-provider.js';

/**
 * Each user's flags are kept between requests where the provider says when
 * they change (three OpenFeature evaluations per request were a tenth of a
 * millisecond and most of what survived a minor collection), and asked again
 * the moment it does.
 */
const ON = { versioningWrites: true, versioningReads: true, legacyJsonWrites: true };
const OFF = { versioningWrites: false, versioningReads: false, legacyJsonWrites: true };
const ROLLOUTS = { PROGRAM_VERSIONING_WRITES: 100, PROGRAM_VERSIONING_READS: 100, LEGACY_JSON_WRITES: 100 };
const KEYS = { PROGRAM_VERSIONING_WRITES: 'versioningWrites', PROGRAM_VERSIONING_READS: 'versioningReads', LEGACY_JSON_WRITES: 'legacyJsonWrites' } as const;

/** Answers `flags` for every user, counts the questions, and can hold them or fail them. */
class ScriptedProvider extends BooleanFlagProvider {
  readonly metadata = { name: 'scripted' } as const;
  readonly events: OpenFeatureEventEmitter | undefined;
  asked = 0;
  flags = ON;
  failing = false;
  /** Answers as a flag file without the key would: the default, with FLAG_NOT_FOUND. */
  missing = false;
  private held: Promise<void> | null = null;

  constructor(withEvents: boolean) {
    super();
    this.events = withEvents ? new OpenFeatureEventEmitter() : undefined;
  }

  /** Holds every answer until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = null;
      release();
    };
  }

  changeTo(flags: typeof ON): void {
    this.flags = flags;
    this.events?.emit(ProviderEvents.ConfigurationChanged);
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, _: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    this.asked++;
    const flags = this.flags;
    await this.held;
    if (this.failing) return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.GENERAL };
    if (this.missing) return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND };
    return { value: flags[KEYS[flagKey as keyof typeof KEYS]], reason: 'STATIC' };
  }
}

const USER = '7e57f1a6-0000-4000-8000-000000000001';
const OTHER = '7e57f1a6-0000-4000-8000-000000000002';

it('keeps the environment’s flags per user: the provider is asked once per user', async () => {
  const provider = new EnvFlagProvider({ ...ROLLOUTS });
  const resolve = jest.spyOn(provider, 'resolveBooleanEvaluation');
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  for (let i = 0; i < 5; i++) expect(await evaluate(USER)).toBe(PHASES.dualWriteVersionedReads);
  expect(resolve).toHaveBeenCalledTimes(3);
  await evaluate(OTHER);
  await evaluate(null);
  await evaluate(null);
  expect(resolve).toHaveBeenCalledTimes(9);
});

it('a provider with events: kept until it reports a change, then asked again', async () => {
  const provider = new ScriptedProvider(true);
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  expect(await evaluate(USER)).toBe(PHASES.dualWriteVersionedReads);
  expect(await evaluate(USER)).toBe(PHASES.dualWriteVersionedReads);
  expect(provider.asked).toBe(3);
  provider.changeTo(OFF);
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  expect(provider.asked).toBe(6);
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  expect(provider.asked).toBe(6);
});

it('an answer that began before a change is not kept after it', async () => {
  const provider = new ScriptedProvider(true);
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  const release = provider.hold();
  const before = evaluate(USER);
  await new Promise((resolve) => setImmediate(resolve));
  provider.changeTo(OFF);
  release();
  // The request that asked before the change gets what was in force when it asked…
  expect(await before).toBe(PHASES.dualWriteVersionedReads);
  // …and the next one the change.
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
});

it('an evaluation that reported an error is not kept', async () => {
  const provider = new ScriptedProvider(true);
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  provider.failing = true;
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  provider.failing = false;
  expect(await evaluate(USER)).toBe(PHASES.dualWriteVersionedReads);
  expect(provider.asked).toBe(6);
});

it('a provider without events is asked on every request', async () => {
  const provider = new ScriptedProvider(false);
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  await evaluate(USER);
  provider.flags = OFF;
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  expect(provider.asked).toBe(6);
});

it('a flag the provider does not have takes its default, and that is kept until a change', async () => {
  const provider = new ScriptedProvider(true);
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  provider.missing = true;
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  expect(provider.asked).toBe(3);
  provider.missing = false;
  provider.changeTo(ON);
  expect(await evaluate(USER)).toBe(PHASES.dualWriteVersionedReads);
});

it('a provider that reconnects or goes stale drops what was kept', async () => {
  const provider = new ScriptedProvider(true);
  const evaluate = createFlagEvaluator(ROLLOUTS, provider);
  await evaluate(USER);
  provider.flags = OFF;
  provider.events!.emit(ProviderEvents.Stale);
  expect(await evaluate(USER)).toBe(PHASES.legacyOnly);
  provider.flags = ON;
  provider.events!.emit(ProviderEvents.Ready);
  expect(await evaluate(USER)).toBe(PHASES.dualWriteVersionedReads);
  expect(provider.asked).toBe(9);
});
