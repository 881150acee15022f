import type { RatePerWindow } from '../../src/env.js';
import { BUDGET_SCOPES } from '../../src/limits/upstream-budget.js';

/**
 * Keeping to a platform's request budget: a token bucket per backend (and per scope where the
 * platform splits its budget: SCAYLE counts reads and writes apart), sized from the published
 * limit or --rate and corrected by the budget headers every answer carries (RateLimit-* or
 * X-RateLimit-*: limit, remaining, seconds to reset) and by Retry-After on a 429. It sits in
 * the backend's fetch, so it counts real HTTP requests, whatever an adapter call makes of them.
 */
export type Budget = RatePerWindow;

export interface PaceStats {
  backend: string;
  limit: number;
  windowSeconds: number;
  requests: number;
  /** 429 answers received (each one a request the budget should have held back). */
  rateLimited: number;
  /** Time requests spent waiting for a token, summed. */
  waitedSeconds: number;
}

type Clock = { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      // The listener goes once the wait ends, so a long-lived signal does not collect one per wait.
      const onAbort = () => (clearTimeout(timer), resolve());
      const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

const header = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(`ratelimit-${name}`) ?? headers.get(`x-ratelimit-${name}`);
  const value = raw === null ? NaN : Number(raw.trim());
  return Number.isFinite(value) && value >= 0 ? value : undefined;
};

/** One budget: tokens refill continuously at limit/window; the headers lower them, never raise them. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private inFlight = 0;
  /**
   * What the platform said is left of its current window, minus what was sent since, until the
   * window ends: refilling never lends tokens the platform will refuse. The end is the earliest of
   * the ends the answers imply (they round the seconds up), which pins it to the millisecond.
   */
  private window = { left: Infinity, endsAt: 0 };
  private queue: Promise<void> = Promise.resolve();
  /** Longest reset the headers announced and since when they are watched: the platform's real window. */
  private longestReset = 0;
  private watchedSince?: number;

  constructor(
    public budget: Budget,
    private clock: Clock = realClock,
  ) {
    this.tokens = this.capacity;
    this.refilledAt = clock.now();
  }

  /**
   * At most one second's worth at once: requests spread evenly over the window instead of
   * spending it in a burst and then waiting out the rest of it, which would hold requests past
   * the adapters' per-request timeouts (SCAYLE's window is a minute).
   */
  private get capacity(): number {
    return Math.max(1, Math.ceil(this.budget.limit / this.budget.windowSeconds));
  }

  private refill(now: number): void {
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.refilledAt) * this.budget.limit) / (this.budget.windowSeconds * 1000),
    );
    this.refilledAt = now;
  }

  /** Waits for a token (first come, first served); answers the milliseconds waited. */
  take(signal?: AbortSignal): Promise<number> {
    const turn = this.queue.then(async () => {
      let waited = 0;
      for (;;) {
        const now = this.clock.now();
        this.refill(now);
        const windowSpent = now < this.window.endsAt && this.window.left < 1 ? this.window.endsAt - now : 0;
        const wait = Math.max(
          this.pausedUntil - now,
          windowSpent,
          this.tokens >= 1 ? 0 : ((1 - this.tokens) * this.budget.windowSeconds * 1000) / this.budget.limit,
        );
        if (wait <= 0 || signal?.aborted) break;
        await this.clock.sleep(Math.ceil(wait), signal);
        waited += wait;
      }
      this.tokens -= 1;
      this.window.left -= 1;
      this.inFlight++;
      return waited;
    });
    this.queue = turn.then(() => undefined);
    return turn;
  }

  /** An answer arrived: what it says about the budget corrects the bucket. */
  observe(headers: Headers, status: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const now = this.clock.now();
    this.refill(now);
    const limit = header(headers, 'limit');
    const remaining = header(headers, 'remaining');
    const reset = header(headers, 'reset');
    if (limit !== undefined && limit > 0 && limit !== this.budget.limit) this.budget = { ...this.budget, limit };
    if (reset !== undefined && reset < 86_400) this.learnWindow(reset, now);
    // Requests still on their way may not be counted in `remaining` yet: keep tokens for them.
    if (remaining !== undefined) {
      this.tokens = Math.min(this.tokens, remaining - this.inFlight);
      if (reset !== undefined) this.noteWindow(remaining, now + reset * 1000, now);
    }
    const retryAfter = Number(headers.get('retry-after'));
    const until =
      status === 429
        ? Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter
          : (reset ?? 1)
        : remaining === 0
          ? reset
          : undefined;
    if (until !== undefined) {
      this.pausedUntil = Math.max(this.pausedUntil, now + until * 1000);
      this.tokens = Math.min(this.tokens, 0);
    }
  }

  private noteWindow(remaining: number, endsBy: number, now: number): void {
    // A later end than the one known means a new window (answers may arrive out of order, but
    // within one window they imply the same end, give or take the rounding second).
    const fresh = now >= this.window.endsAt || endsBy > this.window.endsAt + 1000;
    this.window = fresh
      ? { left: remaining - this.inFlight, endsAt: endsBy }
      : { left: Math.min(this.window.left, remaining - this.inFlight), endsAt: Math.min(this.window.endsAt, endsBy) };
  }

  /** A platform whose window is shorter than assumed says so in its resets: after one full window, take it. */
  private learnWindow(reset: number, now: number): void {
    this.watchedSince ??= now;
    this.longestReset = Math.max(this.longestReset, Math.ceil(reset));
    const sawWholeWindow = now - this.watchedSince > (this.longestReset + 1) * 1000;
    if (sawWholeWindow && this.longestReset > 0 && this.longestReset < this.budget.windowSeconds)
      this.budget = { ...this.budget, windowSeconds: this.longestReset };
  }
}

/**
 * Wraps a backend's fetch so every request first takes a token from its scope's bucket and every
 * answer feeds the bucket. `stats()` says how the run kept to the budget (for the report).
 */
export function pacedFetch(
  backend: string,
  fetch: typeof globalThis.fetch,
  budget: Budget,
  clock: Clock = realClock,
  /** Whose scopes to count: an instance (`brand-a` of `scayle`) counts its platform's. */
  platform = backend,
) {
  const buckets = new Map<string, TokenBucket>();
  const scopeOf = BUDGET_SCOPES[platform] ?? (() => 'calls');
  const stats: PaceStats = { backend, ...budget, requests: 0, rateLimited: 0, waitedSeconds: 0 };
  const paced = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const scope = scopeOf(method);
    let bucket = buckets.get(scope);
    if (!bucket) buckets.set(scope, (bucket = new TokenBucket({ ...budget }, clock)));
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    stats.waitedSeconds += (await bucket.take(signal ?? undefined)) / 1000;
    stats.requests++;
    let response: Response | undefined;
    try {
      response = await fetch(input, init);
      return response;
    } finally {
      if (response?.status === 429) stats.rateLimited++;
      bucket.observe(response?.headers ?? new Headers(), response?.status ?? 0);
    }
  }) as typeof globalThis.fetch;
  const current = () => [...buckets.values()][0]?.budget ?? budget;
  return {
    fetch: paced,
    stats: (): PaceStats => ({ ...stats, ...current(), waitedSeconds: Math.round(stats.waitedSeconds * 10) / 10 }),
  };
}
