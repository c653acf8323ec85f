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
  /** The response text of the answer (`{"data":…}`): the answer is kept as this one string, not as its objects. */
  readonly text: string;
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
 *
 * An answer is kept as its response text only, one flat string, not as the
 * few hundred objects of its result: the cache is long-lived, so everything
 * in it sits in the old generation and every full collection marks it again
 * (about 750 objects per user kept, a part of what the 250–400 ms of marking
 * behind the half-load stalls of bench/README.md walked). A hit is
 * sent as that text; its `data` is parsed only if something reads it.
 */
export class ResponseCache {
  /** Users, least recently read out first; each weighs its answers' bytes. */
  private readonly users: LRUCache<string, UserAnswers>;
  /** The response text of each answer served (or kept) whose data is this object: serialising the tree again was a fifth of a hit's CPU. */
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
    const data = lazyData(entry.text);
    this.texts.set(data, entry.text);
    return { data };
  }

  set(userId: string, key: string, validator: string, result: ExecutionResult): void {
    const text = JSON.stringify({ data: result.data });
    // The key counts too: it holds the document and variables a caller chose.
    const bytes = stringBytes(text) + stringBytes(key);
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
      entries.set(key, { validator, text, bytes });
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

/**
 * The `data` of a kept answer, as an object that parses `text` the first
 * time anything reads it. The response goes out as `text` itself
 * (`serialised`), so on that path it is never parsed; any other reader (a
 * plugin, a test, `JSON.stringify`) sees the answer's data as kept. Read-only,
 * as a kept answer is.
 */
function lazyData(text: string): Record<string, unknown> {
  let parsed: Record<string, unknown> | undefined;
  const data = () => (parsed ??= (JSON.parse(text) as { data: Record<string, unknown> }).data);
  return new Proxy({} as Record<string, unknown>, {
    get: (_, key) => Reflect.get(data(), key),
    has: (_, key) => Reflect.has(data(), key),
    ownKeys: () => Reflect.ownKeys(data()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(data(), key);
      return descriptor && { ...descriptor, writable: false, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * What V8 keeps a string in: one byte per character when every character
 * fits in one (an answer of ASCII or Latin-1 names), two otherwise. Counting
 * two for every answer made the budget hold half the answers it could: at
 * 2,000 athletes the workout screens no longer fit in 64 MB, and each
 * request for an evicted one executed again and kept a new text that a full
 * collection later freed.
 */
export function stringBytes(text: string): number {
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}
