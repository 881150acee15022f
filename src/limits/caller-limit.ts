import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { RatePerWindow } from '../env.js';
import type { SharedStore } from '../store/types.js';
import { callerOf } from './caller.js';

/** The store key of a caller's budget. */
export const callerBucketKey = (caller: string) => `caller:${caller}`;

/**
 * CALLER_RATE_LIMIT: each caller (API key; see callerOf for shopper sessions) gets a token bucket
 * of `limit` requests refilled over `windowSeconds`, in the shared store so the fleet enforces one
 * budget. Answers carry `RateLimit-Limit/-Remaining/-Reset` (they then describe the caller's own
 * budget, not the platform's); a spent budget is a 429 with `Retry-After`.
 */
export function callerRateLimit(
  store: SharedStore,
  rate: RatePerWindow,
  /** Told of each refusal (metrics). */
  onRefused?: () => void,
): MiddlewareHandler<GatewayEnv> {
  const bucket = { capacity: rate.limit, refillPerSecond: rate.limit / rate.windowSeconds };
  return async (c, next) => {
    const taken = await store.take(callerBucketKey(await callerOf(c)), bucket);
    const secondsToFull = Math.ceil((rate.limit - taken.remaining) / bucket.refillPerSecond);
    const headers = {
      'RateLimit-Limit': String(rate.limit),
      'RateLimit-Remaining': String(taken.remaining),
      'RateLimit-Reset': String(taken.allowed ? secondsToFull : Math.ceil(taken.retryAfterMs / 1000)),
    };
    const apply = () => Object.assign(c.get('extraHeaders'), headers);
    if (!taken.allowed) {
      onRefused?.();
      apply();
      const seconds = Math.ceil(taken.retryAfterMs / 1000);
      throw new GatewayError(
        'rate_limited',
        `this caller's request budget (${rate.limit} per ${rate.windowSeconds} s) is spent; retry in ${seconds} s`,
        { retryAfter: seconds },
      );
    }
    await next();
    // After the handler, so they win over an upstream's budget headers.
    apply();
  };
}
