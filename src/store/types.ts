/**
 * State shared by every gateway instance of a deployment: idempotency records, rate-limit
 * buckets, leases. One interface, one implementation per place the state can live (process
 * memory, Redis, Durable Objects). Every key expires; every compound operation is atomic.
 */
export interface SharedStore {
  get(key: string): Promise<string | undefined>;
  /** Every key expires: `ttlMs` > 0. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Atomic; true when written (the key was absent or expired). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomic compare-and-delete (lease release): true when the key held `value` and is gone. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /** Atomic compare-and-extend (lease renewal): true when the key held `value` and now lives `ttlMs` more. */
  renewIfEquals(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Atomic; creates the key with `ttlMs` when absent (an existing key keeps its expiry). */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  /** Token bucket: takes `cost` (default 1) tokens when there are enough, else says when there will be. */
  take(bucket: string, limit: BucketLimit, cost?: number): Promise<TakeResult>;
  /**
   * Sliding window: allowed while fewer than `limit` takes were allowed in the last `windowMs`
   * (so no window of that length, however aligned, ever sees more); else when the oldest leaves.
   */
  takeFromWindow(key: string, limit: WindowLimit): Promise<TakeResult>;
  /**
   * Index sets (e.g. a customer's sessions): adds `member` for `ttlMs` (again: from now). Each
   * member expires on its own; the set lives as long as its longest-lived member. Atomic.
   */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  /** The set's live members, in no particular order; none for an absent key. */
  setMembers(key: string): Promise<string[]>;
  /** Atomic; an absent member or set changes nothing. */
  removeFromSet(key: string, member: string): Promise<void>;
  /**
   * Ordered append-only log (the event outbox): appends `value` under `id` unless the log still
   * holds `id` (a retried append is a no-op, answered with the first one's seq). Sequence numbers
   * grow strictly and never repeat, even after the log expired: `seq` is
   * max(previous + 1, append time in ms × 1000). Entries older than `retentionMs` are dropped;
   * the whole log is gone after `retentionMs` without appends.
   */
  appendToLog(log: string, id: string, value: string, retentionMs: number): Promise<{ seq: number; added: boolean }>;
  /** At most `limit` retained entries with seq > `after`, in seq order. */
  readLog(log: string, after: number, limit: number): Promise<LogEntry[]>;
  /** The retained entry appended under `id`. */
  findInLog(log: string, id: string): Promise<LogEntry | undefined>;
  /** How many retained entries have seq > `after`, counted up to `cap` (stats; the answer is min(count, cap)). */
  countLog(log: string, after: number, cap: number): Promise<number>;
  /**
   * Replaces the value of the retained entry appended under `id`, keeping its seq and expiry (an
   * erasure redacts the events it holds about a customer); false when no such entry is retained.
   */
  replaceInLog(log: string, id: string, value: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Every operation of SharedStore but close, as the keys of an object the compiler checks against
 * the interface: an operation added to SharedStore and missing here fails tsc. The stores that
 * forward or wrap each operation (Durable Objects, tracing) take their list from it.
 */
/** A time to live as every store takes it: every key expires, so it must be positive. */
export function positiveTtl(ttlMs: number): number {
  if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive: every key expires');
  return ttlMs;
}

export const STORE_OPERATIONS = {
  get: true,
  set: true,
  setIfAbsent: true,
  delete: true,
  deleteIfEquals: true,
  renewIfEquals: true,
  increment: true,
  take: true,
  takeFromWindow: true,
  addToSet: true,
  setMembers: true,
  removeFromSet: true,
  appendToLog: true,
  readLog: true,
  findInLog: true,
  countLog: true,
  replaceInLog: true,
} as const satisfies Record<Exclude<keyof SharedStore, 'close'>, true>;
export type StoreOperation = keyof typeof STORE_OPERATIONS;

/** One entry of an ordered log; `seq` / 1000 is about when it was appended (ms since epoch). */
export interface LogEntry {
  seq: number;
  id: string;
  value: string;
}

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface BucketLimit {
  capacity: number;
  refillPerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this take. */
  remaining: number;
  /** 0 when allowed; else how long until `cost` tokens are there. */
  retryAfterMs: number;
}
