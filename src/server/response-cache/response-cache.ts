import type { ExecutionResult, FormattedExecutionResult } from 'graphql';

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

/**
 * Answers kept per user, each with the validator it was executed under. An
 * answer is served only for the same key and an equal validator, which the
 * request has just read from the primary: the cache never decides freshness
 * on its own, so several processes and a read replica need nothing more.
 * Bounded by users, entries per user and bytes (many documents or variables
 * from one caller evict that caller's older answers, then other users').
 */
export class ResponseCache {
  private readonly users = new Map<string, Map<string, Entry>>();
  private bytes = 0;
  /** The response text of each kept answer's data, built once: serialising the tree again was a fifth of a hit's CPU. */
  private readonly texts = new WeakMap<object, string>();

  constructor(private readonly limits: ResponseCacheLimits = DEFAULT_RESPONSE_CACHE_LIMITS) {}

  get(userId: string, key: string, validator: string): ExecutionResult | undefined {
    const entries = this.users.get(userId);
    const entry = entries?.get(key);
    if (!entries || !entry || entry.validator !== validator) return undefined;
    // Most recently used last, for users and for a user's entries.
    this.users.delete(userId);
    this.users.set(userId, entries);
    entries.delete(key);
    entries.set(key, entry);
    return entry.result;
  }

  set(userId: string, key: string, validator: string, result: ExecutionResult): void {
    const text = JSON.stringify({ data: result.data });
    // The key counts too: it holds the document and variables a caller chose.
    const bytes = (text.length + key.length) * 2;
    let entries = this.users.get(userId);
    if (entries) this.drop(entries, key);
    if (bytes > this.limits.maxBytes) return;
    if (!entries) entries = new Map();
    this.users.delete(userId);
    this.users.set(userId, entries);
    entries.set(key, { validator, result, bytes });
    if (result.data) this.texts.set(result.data, text);
    this.bytes += bytes;
    while (entries.size > this.limits.maxEntriesPerUser) this.drop(entries, entries.keys().next().value!);
    while (this.users.size > this.limits.maxUsers || this.bytes > this.limits.maxBytes) {
      const [oldest, its] = this.users.entries().next().value!;
      for (const k of [...its.keys()]) this.drop(its, k);
      this.users.delete(oldest);
    }
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
    for (const e of this.users.values()) entries += e.size;
    return { users: this.users.size, entries, bytes: this.bytes };
  }

  private drop(entries: Map<string, Entry>, key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
