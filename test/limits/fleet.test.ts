import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen2bEmulator, type Open2bBackdoor } from '../../emulators/open2b/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import type { Emulator } from '../../emulators/shared/types.js';
import { inParallel, type RunningGateway, startGateway } from '../e2e/support.js';
import { raceCustomer } from '../routes/race.js';
import { redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';

/**
 * Issue 13 points 4 and 5 as a fleet runs them: two `npm start` processes (env only) sharing one
 * Redis, in front of platform emulators served over HTTP that count what they refuse.
 */
const BUDGET = 10;
const CALLER_LIMIT = 60;
/** One API key per test, so the caller limit of one does not spend another's. */
const KEYS = ['budget', 'if-match', 'caller', 'idempotency'].map((name) => `fleet-test-key-${name}-0123456789`);

/** An emulator over loopback HTTP, with every status it answered recorded. */
async function servedCounting(emulator: Emulator<unknown>) {
  const statuses: number[] = [];
  const counting = new Hono();
  counting.all('*', async (c) => {
    const response = await emulator.app.fetch(c.req.raw);
    statuses.push(response.status);
    return response;
  });
  const server = await serveOnLoopback(counting);
  return { emulator, statuses, env: emulator.connectionEnv(server.origin), close: () => server.close() };
}

/** Two gateway processes with the same configuration; `store` picks how they share state. */
async function startFleet(store: Record<string, string>) {
  const scayle = await servedCounting(createScayleEmulator({ rateLimit: { limit: BUDGET, windowSeconds: 600 } }));
  const open2b = await servedCounting(createOpen2bEmulator());
  const env = {
    BACKENDS: 'scayle,open2b',
    LOG_LEVEL: 'warn',
    UPSTREAM_BUDGET_SCAYLE: `${BUDGET}/600`,
    API_KEYS: KEYS.join(','),
    CALLER_RATE_LIMIT: `${CALLER_LIMIT}/600`,
    ...scayle.env,
    ...open2b.env,
    ...store,
  };
  const gateways = await Promise.all([startGateway(env), startGateway(env)]);
  /** One request to instance `i % 2` as caller `key`. */
  const call = async (i: number, key: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${gateways[i % 2]!.origin}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) },
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: (text ? JSON.parse(text) : undefined) as any,
      headers: response.headers,
    };
  };
  return {
    scayle,
    open2b,
    call,
    /** `count` requests spread over both instances, 8 at a time. */
    spread: (count: number, key: string, path: (i: number) => string, init: (i: number) => RequestInit = () => ({})) =>
      inParallel(count, 8, (i) => call(i, key, path(i), init(i))),
    async stop() {
      await Promise.all(gateways.map((g: RunningGateway) => g.stop()));
      await Promise.all([scayle.close(), open2b.close()]);
    },
  };
}

describe('a fleet of two gateway processes', () => {
  let redis: Awaited<ReturnType<typeof redisForTests>>;
  // Every test needs the shared Redis: without one each is skipped with this reason, never passed.
  const skipReason = () => `needs Redis: ${redis && 'skip' in redis ? redis.skip : 'the fleet did not start'}`;
  const prefix = uniquePrefix('fleet');
  let shared: Awaited<ReturnType<typeof startFleet>> | undefined;
  beforeAll(async () => {
    redis = await redisForTests();
    if ('skip' in redis) return console.warn(`skipping the fleet tests: ${redis.skip}`);
    shared = await startFleet({ STORE: 'redis', REDIS_URL: redis.url, STORE_PREFIX: prefix });
  }, 60_000);
  afterAll(async () => {
    await shared?.stop();
    if (redis && !('skip' in redis)) {
      await removeKeys(redis.url, prefix);
      await redis.stop();
    }
  }, 30_000);

  it('sharing one Redis never exceed the platform limit together: exactly the budget goes upstream, the rest is our 429', async (ctx) => {
    if (!shared) return ctx.skip(skipReason());
    const answers = await shared.spread(30, KEYS[0]!, () => '/v1/backends/scayle/customers?limit=1');
    expect(shared.scayle.statuses.filter((s) => s === 429)).toEqual([]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(BUDGET);
    const refused = answers.filter((a) => a.status !== 200);
    expect(
      refused.every((a) => a.status === 429 && a.body.code === 'rate_limited' && a.body.upstream === undefined),
    ).toBe(true);
    expect(
      refused.every((a) => Number(a.headers.get('retry-after')) > 0 && Number(a.headers.get('retry-after')) <= 600),
    ).toBe(true);
  });

  it('sharing one Redis give exactly one 200 among 50 concurrent same-If-Match PATCHes (Open2b, derived ETags)', async (ctx) => {
    if (!shared) return ctx.skip(skipReason());
    const key = KEYS[1]!;
    const created = await shared.call(0, key, '/v1/backends/open2b/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(raceCustomer()),
    });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    const etag = (await shared.call(0, key, `/v1/backends/open2b/customers/${id}`)).headers.get('etag')!;
    const answers = await shared.spread(
      50,
      key,
      () => `/v1/backends/open2b/customers/${id}`,
      (i) => ({
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'if-match': etag },
        body: JSON.stringify({ firstName: `Writer${i}` }),
      }),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412)).toHaveLength(49);
  });

  it('sharing one Redis enforce one caller rate limit: of limit + 10 requests by one API key over both, exactly the limit passes', async (ctx) => {
    if (!shared) return ctx.skip(skipReason());
    const answers = await shared.spread(CALLER_LIMIT + 10, KEYS[2]!, () => '/v1/backends');
    expect(answers.filter((a) => a.status === 200)).toHaveLength(CALLER_LIMIT);
    const refused = answers.filter((a) => a.status !== 200);
    expect(
      refused.every(
        (a) =>
          a.status === 429 && a.headers.get('ratelimit-remaining') === '0' && Number(a.headers.get('retry-after')) > 0,
      ),
    ).toBe(true);
  });

  it('sharing one Redis replay an Idempotency-Key across instances: a registration retried on the other one is not made twice', async (ctx) => {
    if (!shared) return ctx.skip(skipReason());
    const input = raceCustomer();
    const register = (i: number) =>
      shared!.call(i, KEYS[3]!, '/v1/backends/open2b/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `"${input.email}"` },
        body: JSON.stringify(input),
      });
    const first = await register(0);
    expect(first.status).toBe(201);
    const retry = await register(1);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    const stored = await (shared.open2b.emulator as Emulator<Open2bBackdoor>).backdoor.readAll();
    expect(stored.filter((c) => c.billingAddress.email === input.email)).toHaveLength(1);
  });

  it('control: with the default memory store each instance spends its own budget, and the platform refuses the excess', async (ctx) => {
    if (!shared) return ctx.skip(skipReason());
    const alone = await startFleet({});
    try {
      const answers = await alone.spread(30, KEYS[0]!, () => '/v1/backends/scayle/customers?limit=1');
      expect(answers.filter((a) => a.status === 200)).toHaveLength(BUDGET);
      expect(alone.scayle.statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    } finally {
      await alone.stop();
    }
  }, 60_000);
});
