/**
 * Which backfill shard a user belongs to.
 *
 * The bucket of a user is a function of the 16 bytes of its `user_id`:
 * PostgreSQL's own `uuid_hash` (Bob Jenkins' lookup3 `hash_bytes`, the hash
 * of the uuid type's default hash operator class), read as a signed 32-bit
 * value, and the hash space cut into `count` equal contiguous ranges, the
 * last one taking the remainder. That is exactly how Citus places a row of a
 * table distributed by a uuid column over `shard_count` shards, so shard K/N
 * of the backfill holds the users of the K-th Citus shard of a cluster with
 * N shards (and a text hash such as `hashtext(user_id::text)` would not).
 *
 * The runner filters in SQL only (`SHARD_FILTER`); this module's JavaScript
 * copy lets code and tests name the shard of a user without a round trip,
 * and is checked against the server (test/backfill/backfill-shard.test.ts).
 * `hash_bytes` reads the bytes as little-endian words on little-endian
 * servers (x86-64, arm64), which is what this copy does.
 */

export interface Shard {
  /** 0-based bucket, from 0 to count - 1. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** Largest N accepted by `--shard K/N` and `--workers N`. */
export const MAX_SHARDS = 1024;

/** `K/N`, 1-based, as operators write it. */
export function formatShard(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/** Parses `K/N` (1 ≤ K ≤ N ≤ MAX_SHARDS); null when the text is not one. */
export function parseShard(text: string): Shard | null {
  const match = /^([1-9]\d{0,3})\/([1-9]\d{0,3})$/.exec(text);
  if (!match) return null;
  const k = Number(match[1]);
  const n = Number(match[2]);
  if (k > n || n > MAX_SHARDS) return null;
  return { index: k - 1, count: n };
}

/**
 * `<column> is in the shard`, with three placeholders bound by `shardParams`.
 * With one shard it holds for every row.
 */
export function shardFilter(column: string): string {
  return `least((uuid_hash(${column})::bigint + 2147483648) / (4294967296 / ?::bigint), ?::bigint - 1) = ?::bigint`;
}

export function shardParams(shard: Shard): [number, number, number] {
  return [shard.count, shard.count, shard.index];
}

/** The 0-based bucket of `userId` among `count` shards, as the SQL filter computes it. */
export function shardOfUser(userId: string, count: number): number {
  const step = Math.floor(2 ** 32 / count);
  return Math.min(Math.floor((uuidHash(userId) + 2 ** 31) / step), count - 1);
}

/** PostgreSQL's `uuid_hash(uuid)`: a signed 32-bit integer. */
export function uuidHash(uuid: string): number {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  const word = (i: number) => {
    const byte = (j: number) => parseInt(hex.slice(2 * (i + j), 2 * (i + j) + 2), 16);
    return (byte(0) | (byte(1) << 8) | (byte(2) << 16) | (byte(3) << 24)) >>> 0;
  };
  const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  let a = (0x9e3779b9 + 16 + 3923095) >>> 0;
  let b = a;
  let c = a;
  // One full 12-byte block, then the last four bytes.
  a = (a + word(0)) >>> 0;
  b = (b + word(4)) >>> 0;
  c = (c + word(8)) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
  a = (a + word(12)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c | 0;
}
