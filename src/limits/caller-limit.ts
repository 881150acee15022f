import type { Context, MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { RatePerWindow } from '../env.js';
import type { SharedStore } from '../store/types.js';
import { callerOf } from './caller.js';
import { sha256Hex } from '../digest.js';
import { AUTH_PATH } from '../middleware/auth.js';

/** The store key of a caller's budget. */
export const callerBucketKey = (caller: string) => `caller:${caller}`;

/**
 * CALLER_RATE_LIMIT: each caller (API key; see callerOf for shopper sessions) gets a token bucket
 * of `limit` requests refilled over `windowSeconds`, in the shared store so the fleet enforces one
 * budget. Sign-in, refresh and logout come before any session, in the storefront's key, for all of
 * its shoppers: there the caller is the key from one client address (`clientAddress`), so one
 * client's sign-ins cannot spend every shopper's. Answers carry `RateLimit-Limit/-Remaining/-Reset`
 * (they then describe the caller's own budget, not the platform's); a spent budget is a 429 with
 * `Retry-After`.
 */
export function callerRateLimit(
  store: SharedStore,
  rate: RatePerWindow,
  clientAddress: (c: Context<GatewayEnv>) => string | undefined,
  /** Told of each refusal (metrics). */
  onRefused?: () => void,
): MiddlewareHandler<GatewayEnv> {
  const bucket = { capacity: rate.limit, refillPerSecond: rate.limit / rate.windowSeconds };
  const callerAt = async (c: Context<GatewayEnv>) => {
    const caller = await callerOf(c);
    const address = AUTH_PATH.test(c.req.path) ? clientAddress(c) : undefined;
    return address === undefined ? caller : `${caller}@${await sha256Hex(address, 12)}`;
  };
  return async (c, next) => {
    const taken = await store.take(callerBucketKey(await callerAt(c)), bucket);
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
