/** A request budget: at most `limit` requests per fixed window of `windowSeconds`. */
export interface RateBudget {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  ok: boolean;
  /** What is left of the budget after this request. */
  remaining: number;
  /** Seconds until the window restarts (at least 1): the Retry-After of a refusal. */
  resetSeconds: number;
}

/**
 * The one fixed-window rate limiter of the emulators: a counter per key (SCAYLE counts per scope,
 * OCAPI and Open2b one budget for everything). A refused request does not count.
 */
export function createRateLimiter(budget: RateBudget, now: () => number = Date.now) {
  const windows = new Map<string, { used: number; resetAt: number }>();
  return {
    take(key = 'all'): RateDecision {
      const t = now();
      let w = windows.get(key);
      if (!w || t >= w.resetAt) {
        w = { used: 0, resetAt: t + budget.windowSeconds * 1000 };
        windows.set(key, w);
      }
      const resetSeconds = Math.max(1, Math.ceil((w.resetAt - t) / 1000));
      if (w.used >= budget.limit) return { ok: false, remaining: 0, resetSeconds };
      w.used++;
      return { ok: true, remaining: budget.limit - w.used, resetSeconds };
    },
    /** Every window restarts (the emulators' backdoor reset). */
    reset() {
      windows.clear();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
