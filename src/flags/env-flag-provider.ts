import { ErrorCode, type EvaluationContext, type JsonValue, type Provider, type ResolutionDetails } from '@openfeature/server-sdk';
import { rolloutIncludes } from './rollout.js';

/**
 * An OpenFeature provider whose flags are rollout percentages read from the
 * environment at start-up. A real flag service plugs in by registering its own
 * provider instead; nothing else changes.
 */
export class EnvFlagProvider implements Provider {
  readonly metadata = { name: 'environment' } as const;
  readonly runsOn = 'server';

  constructor(private readonly rollouts: Readonly<Record<string, number>>) {}

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const rollout = this.rollouts[flagKey];
    if (rollout === undefined) return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND };
    const value = rolloutIncludes(rollout, context.targetingKey);
    return { value, reason: rollout === 0 || rollout === 100 ? 'STATIC' : 'SPLIT', variant: value ? 'on' : 'off' };
  }

  async resolveStringEvaluation(_: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH };
  }

  async resolveNumberEvaluation(_: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH };
  }

  async resolveObjectEvaluation<T extends JsonValue>(_: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH };
  }
}
