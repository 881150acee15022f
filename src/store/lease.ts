import type { SharedStore } from './types.js';

/** The lease could not be had within the wait: someone else holds it. */
export class LeaseBusyError extends Error {
  constructor(readonly key: string) {
    super(`lease ${key} is held by another request`);
    this.name = 'LeaseBusyError';
  }
}

export interface LeaseOptions {
  /** How long the lease lives if its holder dies without releasing it. */
  ttlMs: number;
  /** How long to wait for a held lease before giving up with LeaseBusyError (0: do not wait). */
  waitMs: number;
  signal?: AbortSignal;
  /**
   * Renews the lease this often while `fn` runs, so a short `ttlMs` bounds how long a holder that
   * died blocks the others, however long a live holder needs it.
   */
  renewEveryMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs `fn` holding `key` in the store (fleet-wide mutual exclusion): set-if-absent with a random
 * token, polled with jittered backoff while someone else holds it, released by compare-and-delete
 * so a holder whose lease expired never frees a successor's.
 */
export async function withLease<R>(
  store: SharedStore,
  key: string,
  options: LeaseOptions,
  fn: () => Promise<R>,
): Promise<R> {
  const token = crypto.randomUUID();
  const deadline = Date.now() + options.waitMs;
  let pause = 5;
  while (!(await store.setIfAbsent(key, token, options.ttlMs))) {
    if (Date.now() >= deadline) throw new LeaseBusyError(key);
    await sleep(Math.min(pause * (0.5 + Math.random()), Math.max(1, deadline - Date.now())), options.signal);
    pause = Math.min(pause * 2, 100);
  }
  const renewal =
    options.renewEveryMs === undefined
      ? undefined
      : setInterval(
          // A renewal that fails (the store hiccups) leaves the lease to its ttl: the next may succeed.
          () => void store.renewIfEquals(key, token, options.ttlMs).catch(() => {}),
          options.renewEveryMs,
        );
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await store.deleteIfEquals(key, token);
  }
}

/**
 * In-process serialisation per key: calls with the same key run one after another, in arrival
 * order; different keys run in parallel. Idle keys leave no trace.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<R>(key: string, fn: () => Promise<R>): Promise<R> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(fn, fn);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** Keys with work queued or running (for tests and metrics). */
    get size() {
      return tails.size;
    },
  };
}

export type KeyedQueue = ReturnType<typeof createKeyedQueue>;

/**
 * A lease held for as long as its holder lives (one dispatcher or poller per fleet): `hold()`
 * takes it or renews it and says whether this instance holds it; a holder that dies stops
 * renewing, and the lease passes to whoever calls `hold()` after it lapsed (`ttlMs`).
 */
export function createLeaseHolder(store: SharedStore, key: string, ttlMs: number) {
  const token = crypto.randomUUID();
  let heldUntil = 0;
  return {
    async hold(): Promise<boolean> {
      const now = Date.now();
      const held =
        (heldUntil > now && (await store.renewIfEquals(key, token, ttlMs))) ||
        (await store.setIfAbsent(key, token, ttlMs)) ||
        // Held by this token but not known here (e.g. a renewal whose answer was lost).
        (await store.renewIfEquals(key, token, ttlMs));
      // A margin for the store's clock and the time the answer took.
      heldUntil = held ? now + ttlMs * 0.8 : 0;
      return held;
    },
    /** Whether the last `hold()` got it and it has not lapsed since (by this instance's clock). */
    get held() {
      return heldUntil > Date.now();
    },
    async release(): Promise<void> {
      heldUntil = 0;
      await store.deleteIfEquals(key, token);
    },
  };
}
