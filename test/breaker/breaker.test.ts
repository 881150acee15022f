import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { type CircuitBreakers, createCircuitBreakers, MIN_STREAK_MS } from '../../src/breaker/breaker.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';
import { timedOut } from '../../transport/deadline.js';
import { silentLog } from '../adapters/support.js';

const COOLDOWN_MS = 10_000;

/** An upstream whose next answers the test decides; counts the calls that reached it. */
function upstream() {
  const state = { calls: 0, mode: 'down' as 'down' | 'up' | 'hang' | 'client-left' | 'budget' | 'answer-503' };
  const waiting: (() => void)[] = [];
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    state.calls++;
    if (state.mode === 'up') return new Response('{}', { status: 200 });
    if (state.mode === 'answer-503') return new Response('{}', { status: 503 });
    if (state.mode === 'budget') throw new GatewayError('rate_limited', 'budget spent', { retryAfter: 1 });
    if (state.mode === 'hang') await new Promise<void>((resolve) => waiting.push(resolve));
    if ((state.mode as string) === 'up') return new Response('{}', { status: 200 }); // it came back while we waited
    if (init?.signal?.aborted) throw init.signal.reason;
    throw new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
  }) as typeof globalThis.fetch;
  return { state, fetch, release: () => waiting.splice(0).forEach((resolve) => resolve()) };
}

function breakers(clock: { now: number }, fleet?: SharedStore, failures = 3, maxPending = 0): CircuitBreakers {
  return createCircuitBreakers(
    { failures, cooldownMs: COOLDOWN_MS, maxPending },
    { log: silentLog, probeTtlMs: 5_000, now: () => clock.now, ...(fleet ? { fleet } : {}) },
  );
}

/** The outcome of one call: 'ok', the breaker's own 503 (with its Retry-After), or 'failed' (reached the upstream). */
async function call(fetch: typeof globalThis.fetch, init?: RequestInit): Promise<string> {
  try {
    await fetch('http://upstream.test/x', init);
    return 'ok';
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'upstream_unavailable') return `503 retry ${error.retryAfter}`;
    return 'failed';
  }
}

describe('circuit breaker (one instance)', () => {
  it('opens after N consecutive failures lasting a second, then answers 503 with Retry-After without calling', async () => {
    const clock = { now: 0 };
    const up = upstream();
    const b = breakers(clock);
    const fetch = b.wrap('scayle', up.fetch);
    for (let i = 0; i < 5; i++) expect(await call(fetch)).toBe('failed');
    // Five in a row within the same instant: a burst, not (yet) an outage.
    expect(b.state('scayle').state).toBe('closed');
    clock.now += MIN_STREAK_MS;
    expect(await call(fetch)).toBe('failed');
    expect(b.state('scayle')).toMatchObject({ state: 'open', retryAfterSeconds: 10, opened: 1 });
    const calls = up.state.calls;
    clock.now += 2_500;
    expect(await call(fetch)).toBe('503 retry 8');
    expect(up.state.calls).toBe(calls);
    expect(b.state('scayle').rejected).toBe(1);
  });

  it('counts only connection failures and timeouts: answers (503 included), our own refusals and a caller leaving reset or leave it', async () => {
    const clock = { now: 0 };
    const up = upstream();
    const b = breakers(clock);
    const fetch = b.wrap('sfcc', up.fetch);
    const fail = async () => {
      up.state.mode = 'down';
      await call(fetch);
      clock.now += MIN_STREAK_MS;
    };
    await fail();
    await fail();
    up.state.mode = 'answer-503';
    expect(await call(fetch)).toBe('ok'); // an HTTP answer: the platform is reachable
    expect(b.state('sfcc').consecutiveFailures).toBe(0);
    await fail();
    await fail();
    up.state.mode = 'budget';
    expect(await call(fetch)).toBe('failed'); // our budget's 429 says nothing about the platform
    const left = new AbortController();
    left.abort(new DOMException('client gone', 'AbortError'));
    up.state.mode = 'down';
    expect(await call(fetch, { signal: left.signal })).toBe('failed'); // the caller left: nothing learnt
    expect(b.state('sfcc')).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
    const deadline = new AbortController();
    deadline.abort(timedOut());
    expect(await call(fetch, { signal: deadline.signal })).toBe('failed'); // a timeout counts
    expect(b.state('sfcc').state).toBe('open');
  });

  it('half-open after the cool-down: exactly one probe goes through; its answer closes, its failure reopens', async () => {
    const clock = { now: 0 };
    const up = upstream();
    const b = breakers(clock, undefined, 1);
    const fetch = b.wrap('open2b', up.fetch);
    clock.now = MIN_STREAK_MS;
    await call(fetch);
    expect(b.state('open2b').state).toBe('open');

    clock.now += COOLDOWN_MS;
    expect(b.state('open2b').state).toBe('half-open');
    up.state.mode = 'hang';
    const probe = call(fetch);
    expect(await call(fetch)).toBe('503 retry 1'); // while the probe is out
    up.release();
    expect(await probe).toBe('failed');
    expect(b.state('open2b')).toMatchObject({ state: 'open', opened: 2 });

    clock.now += COOLDOWN_MS;
    up.state.mode = 'up';
    expect(await call(fetch)).toBe('ok');
    expect(b.state('open2b').state).toBe('closed');
    expect(await call(fetch)).toBe('ok');
  });
});

describe('calls waiting at once (BREAKER_MAX_PENDING)', () => {
  it('answers 503 at once beyond the limit while a platform hangs, without counting that as its failure', async () => {
    const clock = { now: 0 };
    const up = upstream();
    up.state.mode = 'hang';
    const b = breakers(clock, undefined, 3, 2);
    const fetch = b.wrap('scayle', up.fetch);
    const waiting = [call(fetch), call(fetch)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.state('scayle').pending).toBe(2);
    expect(await call(fetch)).toBe('503 retry 1');
    expect(up.state.calls).toBe(2);
    up.state.mode = 'up';
    up.release();
    expect(await Promise.all(waiting)).toEqual(['ok', 'ok']);
    expect(b.state('scayle')).toMatchObject({ state: 'closed', pending: 0, consecutiveFailures: 0 });
    expect(await call(fetch)).toBe('ok');
  });
});

describe('circuit breaker shared by a fleet (two instances, one store)', () => {
  it("an instance adopts the other's trip on its first failure, and the fleet sends one probe", async () => {
    const clock = { now: 0 };
    const store = createMemoryStore();
    const up = upstream();
    const [a, b] = [breakers(clock, store), breakers(clock, store)];
    const [fetchA, fetchB] = [a.wrap('scayle', up.fetch), b.wrap('scayle', up.fetch)];
    for (let i = 0; i < 3; i++) {
      await call(fetchA);
      clock.now += MIN_STREAK_MS;
    }
    expect(a.state('scayle').state).toBe('open');
    // b has not failed yet: its hot path made no store call and it still calls the platform once.
    expect(b.state('scayle').state).toBe('closed');
    expect((await b.sync('scayle')).state).toBe('open'); // what /ready would show
    const b2 = breakers(clock, store);
    const fetchB2 = b2.wrap('scayle', up.fetch);
    expect(await call(fetchB2)).toBe('failed');
    expect(b2.state('scayle').state).toBe('open');
    const calls = up.state.calls;
    expect(await call(fetchB2)).toMatch(/^503/);
    expect(await call(fetchB)).toMatch(/^503/);
    expect(up.state.calls).toBe(calls);

    clock.now += COOLDOWN_MS;
    up.state.mode = 'hang';
    const probe = call(fetchA);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await call(fetchB)).toBe('503 retry 1'); // one probe for the whole fleet
    expect(up.state.calls).toBe(calls + 1);
    up.state.mode = 'up';
    up.release();
    expect(await probe).toBe('ok');
    // The probe closed it for everyone: b learns it from the store once its own cool-down is over.
    clock.now += 1_000;
    expect(await call(fetchB)).toBe('ok');
    expect(b.state('scayle').state).toBe('closed');
  });

  it('decides alone when the shared store fails', async () => {
    const clock = { now: 0 };
    const failing = new Proxy(createMemoryStore(), {
      get: (target, name) =>
        name === 'close' ? target.close : () => Promise.reject(new Error('the shared store is unreachable')),
    });
    const up = upstream();
    const b = breakers(clock, failing, 1);
    const fetch = b.wrap('scayle', up.fetch);
    clock.now = MIN_STREAK_MS;
    expect(await call(fetch)).toBe('failed');
    expect(await call(fetch)).toMatch(/^503/);
    clock.now += COOLDOWN_MS;
    up.state.mode = 'up';
    expect(await call(fetch)).toBe('ok');
  });
});
