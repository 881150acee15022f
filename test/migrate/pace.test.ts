import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../emulators/shared/rate-limit.js';
import { rateLimitHeaders } from '../../emulators/scayle/wire.js';
import { pacedFetch, TokenBucket } from '../../migrate/lib/index.js';

/** Simulated time: sleeping moves the clock, so a ten-minute run takes milliseconds. */
function fakeClock() {
  let t = 1_700_000_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), advance: (ms: number) => void (t += ms) };
}

/**
 * Drives `requests` writes, one after the other with 5 ms latency, through a bucket that
 * believes `assumed` against SCAYLE's emulated fixed-window limiter enforcing `actual`.
 */
async function run(
  requests: number,
  assumed: { limit: number; windowSeconds: number },
  actual: { limit: number; windowSeconds: number },
) {
  const clock = fakeClock();
  const limiter = createRateLimiter(actual, clock.now);
  const upstream = (async () => {
    clock.advance(5);
    const taken = limiter.take('customersWrite');
    return new Response(null, {
      status: taken.ok ? 201 : 429,
      headers: rateLimitHeaders('customersWrite', actual.limit, taken.remaining, taken.resetSeconds),
    });
  }) as typeof fetch;
  const paced = pacedFetch('scayle', upstream, assumed, clock);
  const start = clock.now();
  const rejectedAt: number[] = [];
  for (let i = 0; i < requests; i++) {
    const response = await paced.fetch('http://scayle.test/customers', { method: 'POST' });
    if (response.status === 429) rejectedAt.push((clock.now() - start) / 1000);
  }
  const seconds = (clock.now() - start) / 1000;
  return {
    rejectedAt,
    perSecond: requests / seconds,
    budgetPerSecond: actual.limit / actual.windowSeconds,
    stats: paced.stats(),
  };
}

describe('pacing to the platform budget', () => {
  it("uses at least 90 % of SCAYLE's 300/min and is never refused after the first minute", async () => {
    const { rejectedAt, perSecond, budgetPerSecond, stats } = await run(
      3000,
      { limit: 300, windowSeconds: 60 },
      { limit: 300, windowSeconds: 60 },
    );
    expect(rejectedAt).toEqual([]);
    expect(perSecond / budgetPerSecond).toBeGreaterThanOrEqual(0.9);
    expect(stats).toMatchObject({ requests: 3000, rateLimited: 0 });
  });

  it('learns a shorter window from the reset headers (300/6 while assuming 300/60)', async () => {
    const { rejectedAt, perSecond, budgetPerSecond, stats } = await run(
      6000,
      { limit: 300, windowSeconds: 60 },
      { limit: 300, windowSeconds: 6 },
    );
    expect(rejectedAt.filter((s) => s > 60)).toEqual([]);
    expect(perSecond / budgetPerSecond).toBeGreaterThanOrEqual(0.9);
    expect(stats.windowSeconds).toBe(6);
  });

  it('takes a smaller limit from the headers and slows down when over-promised (600/60 assumed, 300/60 real)', async () => {
    const { rejectedAt, stats } = await run(1500, { limit: 600, windowSeconds: 60 }, { limit: 300, windowSeconds: 60 });
    expect(rejectedAt.filter((s) => s > 60)).toEqual([]);
    expect(stats.limit).toBe(300);
  });

  it('waits out a 429 for as long as Retry-After says', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ limit: 10, windowSeconds: 1 }, clock);
    await bucket.take();
    bucket.observe(new Headers({ 'retry-after': '30' }), 429);
    const before = clock.now();
    await bucket.take();
    expect(clock.now() - before).toBeGreaterThanOrEqual(30_000);
  });
});
