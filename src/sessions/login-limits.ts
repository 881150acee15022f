import { GatewayError } from '../../adapters/errors.js';
import { sha256Hex } from '../digest.js';
import type { RatePerWindow } from '../env.js';
import type { SharedStore } from '../store/types.js';

interface Counter {
  key: string;
  windowMs: number;
  limit: number;
}

/** What became of a counted attempt: failed attempts stay counted, the others are given back. */
export interface LoginAttempt {
  /** The password was right: the account's failures are forgotten, the client's attempt given back. */
  succeeded(): Promise<void>;
  /** Neither right nor wrong (the platform failed): the attempt is given back to both counters. */
  undecided(): Promise<void>;
}

/** The failed-login counter of an account (an email, or `customer:<id>`): a digest, never the address. */
const accountCounterKey = async (backend: string, account: string) =>
  `login:failures:account:${await sha256Hex(`${backend}\n${account.toLowerCase()}`, 16)}`;
/** Beside each counter: when its window ends (for Retry-After). */
const windowEndKey = (counterKey: string) => `${counterKey}:reset`;

/** Every key an account's failed logins are kept under (to forget them: a reset, an erasure). */
export async function accountCounterKeys(backend: string, account: string): Promise<string[]> {
  const key = await accountCounterKey(backend, account);
  return [key, windowEndKey(key)];
}

/**
 * Failed-login counters in the shared store, one per account (backend + email) and one per client
 * address, each over a fixed window opened by its first attempt. An attempt is counted *before*
 * the platform is asked (atomic increment), so parallel guesses cannot slip past the limit.
 * Unknown emails are counted exactly like known ones, so the limits reveal nothing about who has
 * an account; emails are stored only as digests.
 */
export function createLoginLimits(
  store: SharedStore,
  limits: { perAccount: RatePerWindow; perClient: RatePerWindow },
  now: () => number = Date.now,
) {
  const counter = (key: string, window: RatePerWindow): Counter => ({
    key,
    windowMs: window.windowSeconds * 1000,
    limit: window.limit,
  });
  const giveBack = (c: Counter) => store.increment(c.key, -1, c.windowMs);

  return {
    /** Counts one attempt; 429 with Retry-After when the account or the client is over its limit. */
    async begin(backend: string, account: string, client: string): Promise<LoginAttempt> {
      const accountCounter = counter(await accountCounterKey(backend, account), limits.perAccount);
      const clientCounter = counter(`login:failures:client:${encodeURIComponent(client)}`, limits.perClient);
      const counted: Counter[] = [];
      for (const c of [accountCounter, clientCounter]) {
        const count = await store.increment(c.key, 1, c.windowMs);
        // The first attempt opens the window; its end is kept beside the count for Retry-After. A
        // count given back to 0 (successes) keeps its window (and its key's expiry): not reopened.
        if (count === 1) await store.setIfAbsent(windowEndKey(c.key), String(now() + c.windowMs), c.windowMs);
        if (count <= c.limit) {
          counted.push(c);
          continue;
        }
        // Refused before the platform is asked: no failed login of the account. Else a client over
        // its own limit would still lock every account it names (the per-client limit caps that).
        await Promise.all(counted.map(giveBack));
        const resetAt = Number((await store.get(windowEndKey(c.key))) ?? now() + c.windowMs);
        const retryAfter = Math.max(1, Math.ceil((resetAt - now()) / 1000));
        throw new GatewayError('rate_limited', `too many failed logins; try again in ${retryAfter} s`, { retryAfter });
      }
      return {
        succeeded: async () => {
          await store.delete(accountCounter.key);
          await giveBack(clientCounter);
        },
        undecided: async () => {
          await Promise.all([giveBack(accountCounter), giveBack(clientCounter)]);
        },
      };
    },
  };
}

export type LoginLimits = ReturnType<typeof createLoginLimits>;
