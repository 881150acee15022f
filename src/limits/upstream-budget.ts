import { GatewayError } from '../../adapters/errors.js';
import type { RatePerWindow } from '../env.js';
import type { SharedStore } from '../store/types.js';

/** Platforms that count calls per scope (SCAYLE: reads and writes have separate budgets). */
export const BUDGET_SCOPES: Record<string, (method: string) => string> = {
  scayle: (method) => (method === 'GET' || method === 'HEAD' ? 'customersRead' : 'customersWrite'),
};

/** The method of whatever ky hands fetch: a Request (of either class), a URL or a string with init. */
function methodOf(input: RequestInfo | URL, init?: RequestInit): string {
  const fromRequest = typeof input === 'object' && 'method' in input ? input.method : undefined;
  return (init?.method ?? fromRequest ?? 'GET').toUpperCase();
}

/**
 * Wraps a backend's upstream fetch with the platform's call budget, kept in the shared store so
 * every instance of the fleet draws from the same one. A spent budget is answered at once with
 * 429 rate_limited and the time until a call is free again, instead of sending a call the
 * platform would refuse. Counted per upstream call (retries and token requests included).
 */
export function budgetedFetch(
  fetch: typeof globalThis.fetch,
  store: SharedStore,
  backend: string,
  budget: RatePerWindow,
  /** The platform whose scopes the budget counts (an instance `brand-a` of `scayle` counts SCAYLE's). */
  platform = backend,
  /** Told of each refusal (metrics). */
  onRefused?: () => void,
): typeof globalThis.fetch {
  const scopeOf = BUDGET_SCOPES[platform] ?? (() => 'calls');
  const limit = { limit: budget.limit, windowMs: budget.windowSeconds * 1000 };
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const scope = scopeOf(methodOf(input, init));
    const taken = await store.takeFromWindow(`budget:${backend}:${scope}`, limit);
    if (!taken.allowed) {
      onRefused?.();
      const seconds = Math.ceil(taken.retryAfterMs / 1000);
      throw new GatewayError(
        'rate_limited',
        `the fleet's budget for ${backend} (${budget.limit} ${scope} per ${budget.windowSeconds} s) is spent; retry in ${seconds} s`,
        {
          retryAfter: seconds,
        },
      );
    }
    return fetch(input, init);
  }) as typeof globalThis.fetch;
}
