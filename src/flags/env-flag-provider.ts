import { ErrorCode, type EvaluationContext, type ResolutionDetails } from '@openfeature/server-sdk';
import { BooleanFlagProvider } from './boolean-flag-provider.js';
import { rolloutIncludes } from './rollout.js';

/**
 * An OpenFeature provider whose flags are rollout percentages read from the
 * environment at start-up. A real flag service plugs in by registering its own
 * provider instead; nothing else changes.
 */
export class EnvFlagProvider extends BooleanFlagProvider {
  readonly metadata = { name: 'environment' } as const;

  constructor(private readonly rollouts: Readonly<Record<string, number>>) {
    super();
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const rollout = this.rollouts[flagKey];
    if (rollout === undefined) return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND };
    const value = rolloutIncludes(rollout, context.targetingKey);
    return { value, reason: rollout === 0 || rollout === 100 ? 'STATIC' : 'SPLIT', variant: value ? 'on' : 'off' };
  }
}
