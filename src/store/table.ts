import {
  bucketTtlMs,
  takeFromBucket,
  takeFromWindow,
  validateTake,
  validateWindow,
  type BucketState,
} from './bucket.js';
import { createKeyedQueue } from './lease.js';
import type { LogOperations } from './log.js';
import type { SetOperations } from './sets.js';
import { positiveTtl, type SharedStore, type TakeResult } from './types.js';

/** One stored value and when it expires (ms since epoch). */
export interface Entry {
  value: string;
  expiresAt: number;
}

/** Where a table-backed store keeps its entries: a Map in memory, a Durable Object's storage. */
export interface EntryTable {
  get(key: string): Entry | undefined | Promise<Entry | undefined>;
  put(key: string, entry: Entry): void | Promise<void>;
  delete(key: string): unknown;
}

/**
 * SharedStore semantics over a plain key → entry table, for stores that live in one place (process
 * memory, one Durable Object). Operations run one at a time, so each read-modify-write is atomic
 * even when the table answers asynchronously. The ordered logs (log.ts) and the index sets
 * (sets.ts; the memory store keeps its own in memory.ts) need more than a key → entry table.
 */
export function storeOverTable(
  table: EntryTable,
  now: () => number = Date.now,
): Omit<SharedStore, 'close' | keyof LogOperations | keyof SetOperations> {
  const queue = createKeyedQueue();
  const serial = <R>(fn: () => Promise<R>) => queue.run('table', fn);
  const live = async (key: string) => {
    const entry = await table.get(key);
    if (entry && entry.expiresAt <= now()) {
      await table.delete(key);
      return undefined;
    }
    return entry;
  };
  const write = (key: string, value: string, ttlMs: number) =>
    table.put(key, { value, expiresAt: now() + positiveTtl(ttlMs) });
  const takeWith = <S>(key: string, ttlMs: number, fallback: S, step: (state: S) => { state: S; result: TakeResult }) =>
    serial(async () => {
      const stored = await live(key);
      const { state, result } = step(stored ? (JSON.parse(stored.value) as S) : fallback);
      await write(key, JSON.stringify(state), ttlMs);
      return result;
    });

  return {
    get: (key) => serial(async () => (await live(key))?.value),
    set: (key, value, ttlMs) => serial(async () => void (await write(key, value, ttlMs))),
    setIfAbsent: (key, value, ttlMs) =>
      serial(async () => {
        if (await live(key)) return false;
        await write(key, value, ttlMs);
        return true;
      }),
    delete: (key) => serial(async () => void (await table.delete(key))),
    deleteIfEquals: (key, value) =>
      serial(async () => {
        if ((await live(key))?.value !== value) return false;
        await table.delete(key);
        return true;
      }),
    renewIfEquals: (key, value, ttlMs) =>
      serial(async () => {
        if ((await live(key))?.value !== value) return false;
        await write(key, value, ttlMs);
        return true;
      }),
    increment: (key, by, ttlMs) =>
      serial(async () => {
        const entry = await live(key);
        const next = (entry ? Number(entry.value) : 0) + by;
        await (entry ? table.put(key, { ...entry, value: String(next) }) : write(key, String(next), ttlMs));
        return next;
      }),
    async take(bucket, limit, cost = 1) {
      validateTake(limit, cost);
      return takeWith<BucketState | undefined>(bucket, bucketTtlMs(limit), undefined, (state) =>
        takeFromBucket(state, limit, cost, now()),
      );
    },
    async takeFromWindow(key, limit) {
      validateWindow(limit);
      return takeWith<number[]>(key, limit.windowMs, [], (times) => {
        const taken = takeFromWindow(times, limit, now());
        return { state: taken.times, result: taken.result };
      });
    },
  };
}
