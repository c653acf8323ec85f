import { ErrorCode, type EvaluationContext, type JsonValue, type Provider, type ProviderMetadata, type ResolutionDetails } from '@openfeature/server-sdk';

/**
 * A provider whose flags are all booleans, as ours are: a string, number or
 * object evaluation is a type mismatch, answered with the caller's default.
 */
export abstract class BooleanFlagProvider implements Provider {
  abstract readonly metadata: ProviderMetadata;
  readonly runsOn = 'server';

  abstract resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>>;

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
