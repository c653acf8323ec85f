import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeatureEventEmitter, ProviderEvents, type EvaluationContext, type JsonValue, type Logger as FeatureLogger, type Provider, type ResolutionDetails } from '@openfeature/server-sdk';
import type { Logger } from 'pino';
import { FlagFileError, readFlagFile } from './flag-file.js';

/** How often the file is polled for changes: a change applies to requests within about this long. */
export const FLAG_FILE_POLL_MS = 1000;

export interface FlagFileOptions {
  readonly log: Logger;
  /** Called once for each change that left the file unusable (the last good flags stay in force). */
  readonly onInvalid?: (error: FlagFileError) => void;
  readonly pollMs?: number;
}

/**
 * Flags from a file in flagd's JSON, evaluated by OpenFeature's flagd
 * provider in in-process mode (fractional rollouts and targeting are
 * flagd's; nothing goes over the network). The provider reads the file and
 * reloads it when it changes, so a change applies without a restart.
 *
 * flagd keeps its last flags when a new file does not parse, but it accepts
 * a file without `flags`, a flag of the wrong type or a rule it cannot
 * compile, and then answers the defaults — Phase 1 for every user, by a
 * typo. So each change is also checked here (`readFlagFile`), synchronously,
 * before flagd reads it: while the file is unusable, evaluations come from a
 * flagd engine holding the last good file, and the change is logged.
 */
export class FlagFileProvider implements Provider {
  readonly metadata = { name: 'flag file (flagd in-process)' } as const;
  readonly runsOn = 'server';
  /**
   * `ConfigurationChanged` whenever what evaluations answer may have changed:
   * flagd loaded a change, or the fallback below came or went. The flag
   * evaluator keeps each user's flags until then.
   */
  readonly events = new OpenFeatureEventEmitter();
  /** The last good file, evaluated by flagd's own engine, while flagd's provider may hold something else. */
  private fallback: FlagdCore | null = null;
  /** A good file was read while the fallback was in use: drop the fallback once flagd has loaded a change. */
  private recovered = false;
  /** The text (or the problem) of the last change seen. */
  private lastRead: string;
  private readonly watcher = (current: Stats, previous: Stats) => this.changed(current, previous);

  private constructor(
    readonly path: string,
    private lastGood: string,
    private readonly flagd: FlagdProvider,
    private readonly options: FlagFileOptions,
  ) {
    this.lastRead = lastGood;
  }

  /** Checks the file, starts flagd on it and watches it. Throws `FlagFileError` when the file is missing or unusable. */
  static async open(path: string, options: FlagFileOptions): Promise<FlagFileProvider> {
    const absolute = resolve(path);
    const content = readFlagFile(absolute);
    reportUnknownKeys(options.log, absolute, content.unknownKeys);
    const flagd = new FlagdProvider({ resolverType: 'in-process', offlineFlagSourcePath: absolute }, featureLogger(options.log));
    const provider = new FlagFileProvider(absolute, content.text, flagd, options);
    // Node keeps one stat poller per file: the first call sets its interval (flagd's own would be
    // Node's default of about 5 s) and its listeners run in order, so the check above runs first.
    watchFile(absolute, { interval: options.pollMs ?? FLAG_FILE_POLL_MS, persistent: false }, provider.watcher);
    try {
      await flagd.initialize();
    } catch (error) {
      unwatchFile(absolute);
      throw new FlagFileError(absolute, `flagd could not load it (${(error as Error).message || 'no reason given'})`);
    }
    flagd.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => {
      if (provider.recovered) {
        provider.recovered = false;
        provider.fallback = null;
      }
      provider.events.emit(ProviderEvents.ConfigurationChanged, details);
    });
    return provider;
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger: FeatureLogger): Promise<ResolutionDetails<boolean>> {
    if (this.fallback) return Promise.resolve(this.fallback.resolveBooleanEvaluation(flagKey, defaultValue, context, logger));
    return this.flagd.resolveBooleanEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger: FeatureLogger): Promise<ResolutionDetails<string>> {
    if (this.fallback) return Promise.resolve(this.fallback.resolveStringEvaluation(flagKey, defaultValue, context, logger));
    return this.flagd.resolveStringEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger: FeatureLogger): Promise<ResolutionDetails<number>> {
    if (this.fallback) return Promise.resolve(this.fallback.resolveNumberEvaluation(flagKey, defaultValue, context, logger));
    return this.flagd.resolveNumberEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger: FeatureLogger): Promise<ResolutionDetails<T>> {
    if (this.fallback) return Promise.resolve(this.fallback.resolveObjectEvaluation(flagKey, defaultValue, context, logger));
    return this.flagd.resolveObjectEvaluation(flagKey, defaultValue, context, logger);
  }

  /** Stops watching the file. */
  async close(): Promise<void> {
    unwatchFile(this.path, this.watcher);
    await this.flagd.onClose();
  }

  private changed(current: Stats, previous: Stats): void {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino) return;
    let text: string;
    try {
      const content = readFlagFile(this.path);
      text = content.text;
      // One write can show as two changes (truncate, then write): one load each, not one per poll.
      if (text === this.lastRead) return;
      this.lastRead = text;
      reportUnknownKeys(this.options.log, this.path, content.unknownKeys);
    } catch (error) {
      if (!(error instanceof FlagFileError)) throw error;
      if (error.message === this.lastRead) return;
      this.lastRead = error.message;
      this.fallback ??= engineWith(this.lastGood);
      this.recovered = false;
      this.events.emit(ProviderEvents.ConfigurationChanged);
      this.options.log.error({ flagsFile: this.path, problem: error.problem }, `${error.message}: keeping the last good flags until the file is fixed`);
      this.options.onInvalid?.(error);
      return;
    }
    this.lastGood = text;
    if (this.fallback) {
      // Serve the good file now; flagd's provider reads it in a moment (its listener runs after this one).
      this.fallback = engineWith(text);
      this.recovered = true;
      this.events.emit(ProviderEvents.ConfigurationChanged);
    }
    this.options.log.info({ flagsFile: this.path }, `flag file ${this.path} reloaded`);
  }
}

function engineWith(text: string): FlagdCore {
  const core = new FlagdCore();
  core.setConfigurations(text);
  return core;
}

function reportUnknownKeys(log: Logger, path: string, keys: readonly string[]): void {
  if (keys.length === 0) return;
  log.warn({ flagsFile: path, unknownKeys: keys }, `flag file ${path} has keys this service does not use (ignored): ${keys.join(', ')}`);
}

/** flagd's own log lines, into the service's log. */
function featureLogger(log: Logger): FeatureLogger {
  const child = log.child({ component: 'flagd' });
  return {
    error: (...args: unknown[]) => child.error(args.map(String).join(' ')),
    warn: (...args: unknown[]) => child.warn(args.map(String).join(' ')),
    info: (...args: unknown[]) => child.debug(args.map(String).join(' ')),
    debug: (...args: unknown[]) => child.debug(args.map(String).join(' ')),
  };
}
