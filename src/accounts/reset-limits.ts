import { GatewayError } from '../../adapters/errors.js';
import { sha256Hex } from '../digest.js';
import type { RatePerWindow } from '../env.js';
import type { SharedStore, WindowLimit } from '../store/types.js';

const windowOf = (rate: RatePerWindow): WindowLimit => ({ limit: rate.limit, windowMs: rate.windowSeconds * 1000 });

/** The email's counter key: a digest, never the address; the erasure forgets it by the same key. */
export const resetEmailKey = async (backend: string, email: string) =>
  `password-reset:requests:email:${await sha256Hex(`${backend}\n${email.toLowerCase()}`, 16)}`;

/**
 * How often password resets may be asked for, over sliding windows in the shared store: requests
 * per email (known or not: the count is the same either way, so a 429 tells nothing about who has
 * an account) and per client address, and confirmations per client address (a token cannot be
 * guessed anyway; this keeps anyone from trying at volume).
 */
export function createResetLimits(store: SharedStore, limits: { perEmail: RatePerWindow; perClient: RatePerWindow }) {
  const take = async (key: string, rate: RatePerWindow, what: string) => {
    const taken = await store.takeFromWindow(key, windowOf(rate));
    if (taken.allowed) return;
    const retryAfter = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    throw new GatewayError('rate_limited', `too many ${what}; try again in ${retryAfter} s`, { retryAfter });
  };
  const clientKey = (kind: string, client: string) => `password-reset:${kind}:client:${encodeURIComponent(client)}`;

  return {
    /** Counts one reset request; 429 with Retry-After over either limit. */
    async request(backend: string, email: string, client: string): Promise<void> {
      await take(clientKey('requests', client), limits.perClient, 'password reset requests');
      await take(await resetEmailKey(backend, email), limits.perEmail, 'password reset requests');
    },
    /** Counts one confirmation attempt of a client; 429 with Retry-After over its limit. */
    async confirm(client: string): Promise<void> {
      await take(clientKey('confirmations', client), limits.perClient, 'password reset confirmations');
    },
  };
}

export type ResetLimits = ReturnType<typeof createResetLimits>;
