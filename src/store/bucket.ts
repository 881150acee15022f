import type { BucketLimit, TakeResult, WindowLimit } from './types.js';

/** A token bucket's state: tokens at `at` (ms since epoch). Stored as JSON by the stores that keep it. */
export interface BucketState {
  tokens: number;
  at: number;
}

/**
 * The token-bucket arithmetic, shared by the memory and Durable Objects stores (the Redis store
 * runs the same steps in Lua so they are atomic on the server).
 */
export function takeFromBucket(
  state: BucketState | undefined,
  limit: BucketLimit,
  cost: number,
  now: number,
): { state: BucketState; result: TakeResult } {
  const elapsed = state ? Math.max(0, now - state.at) / 1000 : 0;
  const tokens = state ? Math.min(limit.capacity, state.tokens + elapsed * limit.refillPerSecond) : limit.capacity;
  if (tokens >= cost) {
    return {
      state: { tokens: tokens - cost, at: now },
      result: { allowed: true, remaining: Math.floor(tokens - cost), retryAfterMs: 0 },
    };
  }
  const retryAfterMs = Math.ceil(((cost - tokens) / limit.refillPerSecond) * 1000);
  return { state: { tokens, at: now }, result: { allowed: false, remaining: Math.floor(tokens), retryAfterMs } };
}

/** How long a bucket must be kept: until it would be full again (an absent bucket is full). */
export function bucketTtlMs(limit: BucketLimit): number {
  return Math.ceil((limit.capacity / limit.refillPerSecond) * 1000) + 1000;
}

export function validateTake(limit: BucketLimit, cost: number): void {
  if (!(limit.capacity > 0) || !(limit.refillPerSecond > 0))
    throw new RangeError('bucket capacity and refillPerSecond must be positive');
  if (!(cost > 0) || cost > limit.capacity) throw new RangeError('cost must be positive and at most the capacity');
}

/** The sliding-window log of SharedStore.takeFromWindow over the times (ms) of the takes it allowed. */
export function takeFromWindow(
  times: number[],
  limit: WindowLimit,
  now: number,
): { times: number[]; result: TakeResult } {
  const recent = times.filter((t) => t > now - limit.windowMs);
  if (recent.length < limit.limit) {
    recent.push(now);
    return { times: recent, result: { allowed: true, remaining: limit.limit - recent.length, retryAfterMs: 0 } };
  }
  return {
    times: recent,
    result: { allowed: false, remaining: 0, retryAfterMs: Math.max(1, recent[0]! + limit.windowMs - now) },
  };
}

export function validateWindow(limit: WindowLimit): void {
  if (!(limit.limit >= 1) || !(limit.windowMs > 0)) throw new RangeError('window limit and windowMs must be positive');
}
