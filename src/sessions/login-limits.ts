import { GatewayError } from '../../adapters/errors.js';
import { sha256Hex } from '../digest.js';
import type { RatePerWindow } from '../env.js';
import type { SharedStore } from '../store/types.js';

interface Counter {
  key: string;
  window: RatePerWindow;
}

/**
 * Failed-login counters in the shared store, one per account (backend + email) and one per client
 * address, each over a fixed window. Unknown emails are counted exactly like known ones, so the
 * limits reveal nothing about who has an account; emails are stored only as digests.
 */
export function createLoginLimits(store: SharedStore, limits: { perAccount: RatePerWindow; perClient: RatePerWindow }, now: () => number = Date.now) {
  const counters = async (backend: string, email: string, client: string): Promise<Counter[]> => [
    { key: `login:failures:account:${await sha256Hex(`${backend}\n${email.toLowerCase()}`, 16)}`, window: limits.perAccount },
    { key: `login:failures:client:${encodeURIComponent(client)}`, window: limits.perClient },
  ];

  return {
    /** 429 with Retry-After when either counter is at its limit; checked before the backend is asked. */
    async assertAllowed(backend: string, email: string, client: string): Promise<void> {
      for (const { key, window } of await counters(backend, email, client)) {
        const [count, resetAt] = await Promise.all([store.get(key), store.get(`${key}:reset`)]);
        if (Number(count ?? 0) < window.limit) continue;
        const retryAfter = Math.max(1, Math.ceil((Number(resetAt ?? now() + window.windowSeconds * 1000) - now()) / 1000));
        throw new GatewayError('rate_limited', `too many failed logins; try again in ${retryAfter} s`, { retryAfter });
      }
    },

    async recordFailure(backend: string, email: string, client: string): Promise<void> {
      for (const { key, window } of await counters(backend, email, client)) {
        const windowMs = window.windowSeconds * 1000;
        // The first failure opens the window; its end is kept beside the count for Retry-After.
        if ((await store.increment(key, 1, windowMs)) === 1) await store.set(`${key}:reset`, String(now() + windowMs), windowMs);
      }
    },

    /** A successful login clears the account's failures (not the client's: one address may try many accounts). */
    async recordSuccess(backend: string, email: string, client: string): Promise<void> {
      const [account] = await counters(backend, email, client);
      await store.delete(account!.key);
    },
  };
}

export type LoginLimits = ReturnType<typeof createLoginLimits>;
