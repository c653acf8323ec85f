import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';

export interface ResponseCacheLimits {
  /** Users whose answers are kept; the least recently read user goes first. */
  readonly maxUsers: number;
  /** Answers kept per user (distinct documents, operation names, variables, phases). */
  readonly maxEntriesPerUser: number;
  /** Approximate bytes of all kept answers and their keys (JSON length × 2, as JavaScript strings hold them). */
  readonly maxBytes: number;
}

export const DEFAULT_RESPONSE_CACHE_LIMITS: ResponseCacheLimits = { maxUsers: 10_000, maxEntriesPerUser: 4, maxBytes: 64 * 1024 * 1024 };

interface Entry {
  readonly validator: string;
  readonly result: ExecutionResult;
  readonly bytes: number;
}

/** One user's answers, least recently read first, and their bytes. */
interface UserAnswers {
  readonly entries: Map<string, Entry>;
  readonly bytes: number;
}

/**
 * Answers kept per user, each with the validator it was executed under. An
 * answer is served only for the same key and an equal validator, which the
 * request has just read from the primary: the cache never decides freshness
 * on its own, so several processes and a read replica need nothing more.
 * Bounded by users, entries per user and bytes (many documents or variables
 * from one caller evict that caller's older answers, then other users').
 */
export class ResponseCache {
  /** Users, least recently read out first; each weighs its answers' bytes. */
  private readonly users: LRUCache<string, UserAnswers>;
  /** The response text of each kept answer's data, built once: serialising the tree again was a fifth of a hit's CPU. */
  private readonly texts = new WeakMap<object, string>();

  constructor(private readonly limits: ResponseCacheLimits = DEFAULT_RESPONSE_CACHE_LIMITS) {
    this.users = new LRUCache({ max: limits.maxUsers, maxSize: limits.maxBytes, sizeCalculation: (answers) => Math.max(1, answers.bytes) });
  }

  get(userId: string, key: string, validator: string): ExecutionResult | undefined {
    const answers = this.users.get(userId);
    const entry = answers?.entries.get(key);
    if (!answers || !entry || entry.validator !== validator) return undefined;
    // Most recently read last among the user's answers (the cache orders users).
    answers.entries.delete(key);
    answers.entries.set(key, entry);
    return entry.result;
  }

  set(userId: string, key: string, validator: string, result: ExecutionResult): void {
    const text = JSON.stringify({ data: result.data });
    // The key counts too: it holds the document and variables a caller chose.
    const bytes = (text.length + key.length) * 2;
    const kept = this.users.get(userId);
    const entries = kept?.entries ?? new Map<string, Entry>();
    let total = kept?.bytes ?? 0;
    const drop = (k: string) => {
      const entry = entries.get(k);
      if (!entry) return;
      entries.delete(k);
      total -= entry.bytes;
    };
    drop(key);
    if (bytes <= this.limits.maxBytes) {
      entries.set(key, { validator, result, bytes });
      total += bytes;
      while (entries.size > this.limits.maxEntriesPerUser) drop(entries.keys().next().value!);
      if (result.data) this.texts.set(result.data, text);
    }
    // A new record, so that the cache weighs the user anew (it keeps the weight of a value set twice) and evicts others to fit.
    if (entries.size === 0) this.users.delete(userId);
    else this.users.set(userId, { entries, bytes: total });
  }

  /**
   * The response text Apollo would build for `response`, when it is a kept
   * answer as sent (its data and nothing else: no errors, no extensions a
   * plugin added); undefined otherwise. Identical by construction: the text of
   * `{ data }` depends only on the data, which no one changes once kept.
   */
  serialised(response: FormattedExecutionResult): string | undefined {
    const { data } = response;
    if (typeof data !== 'object' || data === null) return undefined;
    const text = this.texts.get(data);
    if (text === undefined) return undefined;
    for (const [name, value] of Object.entries(response)) if (name !== 'data' && value !== undefined) return undefined;
    return text;
  }

  /** Kept answers and their approximate bytes (for tests and the metrics). */
  size(): { readonly users: number; readonly entries: number; readonly bytes: number } {
    let entries = 0;
    for (const answers of this.users.values()) entries += answers.entries.size;
    return { users: this.users.size, entries, bytes: this.users.calculatedSize };
  }
}
