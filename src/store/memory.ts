import { bucketTtlMs, takeFromBucket, takeFromWindow, validateTake, validateWindow, type BucketState } from './bucket.js';
import type { BucketLimit, SharedStore, TakeResult } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Clock in ms (tests move it). */
  now?: () => number;
  /** Most live keys kept; the oldest-expiring go first beyond it (a bound, not a cache policy). */
  maxKeys?: number;
}

/**
 * The zero-config store: one process's memory. Right for a single instance; a fleet needs Redis or
 * Durable Objects. No timers (so it runs on Workers too): expired keys are dropped when touched
 * and swept as writes go by.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const entries = new Map<string, Entry>();
  let writesSinceSweep = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const sweep = () => {
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    // Still over the bound: Map order is insertion order, so the oldest writes go first.
    for (const key of entries.keys()) {
      if (entries.size <= maxKeys) break;
      entries.delete(key);
    }
  };
  const write = (key: string, value: string, ttlMs: number) => {
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive: every key expires');
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlMs });
    if (++writesSinceSweep >= 1000 || entries.size > maxKeys) {
      writesSinceSweep = 0;
      sweep();
    }
  };

  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      write(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      write(key, value, ttlMs);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async deleteIfEquals(key, value) {
      if (live(key)?.value !== value) return false;
      entries.delete(key);
      return true;
    },
    async increment(key, by, ttlMs) {
      const entry = live(key);
      const next = (entry ? Number(entry.value) : 0) + by;
      if (entry) entry.value = String(next);
      else write(key, String(next), ttlMs);
      return next;
    },
    async take(bucket: string, limit: BucketLimit, cost = 1): Promise<TakeResult> {
      validateTake(limit, cost);
      const stored = live(bucket);
      const previous = stored ? (JSON.parse(stored.value) as BucketState) : undefined;
      const { state, result } = takeFromBucket(previous, limit, cost, now());
      write(bucket, JSON.stringify(state), bucketTtlMs(limit));
      return result;
    },
    async takeFromWindow(key, limit) {
      validateWindow(limit);
      const stored = live(key);
      const { times, result } = takeFromWindow(stored ? (JSON.parse(stored.value) as number[]) : [], limit, now());
      write(key, JSON.stringify(times), limit.windowMs);
      return result;
    },
    async close() {
      entries.clear();
    },
  };
}
