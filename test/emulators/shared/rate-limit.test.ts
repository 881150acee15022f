import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../emulators/shared/rate-limit.js';

describe('emulators: the shared fixed-window rate limiter', () => {
  it('allows `limit` requests per window and key, refuses the rest until the window restarts', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit: 2, windowSeconds: 60 }, () => now);
    expect(limiter.take('read')).toEqual({ ok: true, remaining: 1, resetSeconds: 60 });
    expect(limiter.take('read')).toMatchObject({ ok: true, remaining: 0 });
    now += 45_500;
    expect(limiter.take('read')).toEqual({ ok: false, remaining: 0, resetSeconds: 15 });
    // Another key has its own budget.
    expect(limiter.take('write')).toMatchObject({ ok: true, remaining: 1 });
    now += 14_500;
    expect(limiter.take('read')).toEqual({ ok: true, remaining: 1, resetSeconds: 60 });
    limiter.take('read');
    expect(limiter.take('read').ok).toBe(false);
    limiter.reset();
    expect(limiter.take('read').ok).toBe(true);
  });
});
