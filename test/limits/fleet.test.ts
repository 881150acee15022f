import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
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
  return { statuses, env: emulator.connectionEnv(server.origin), close: () => server.close() };
}

/** Two gateway processes with the same configuration; `store` picks how they share state. */
async function startFleet(store: Record<string, string>) {
  const scayle = await servedCounting(createScayleEmulator({ rateLimit: { limit: BUDGET, windowSeconds: 600 } }));
  const open2b = await servedCounting(createOpen2bEmulator());
  const env = { BACKENDS: 'scayle,open2b', LOG_LEVEL: 'warn', UPSTREAM_BUDGET_SCAYLE: `${BUDGET}/600`, ...scayle.env, ...open2b.env, ...store };
  const gateways = await Promise.all([startGateway(env), startGateway(env)]);
  return {
    scayle,
    gateways,
    /** `count` requests spread over both instances, 8 at a time. */
    spread: (count: number, path: (i: number) => string, init: (i: number) => RequestInit = () => ({})) =>
      inParallel(count, 8, async (i) => {
        const response = await fetch(`${gateways[i % 2]!.origin}${path(i)}`, init(i));
        return { status: response.status, body: (await response.json().catch(() => undefined)) as any, retryAfter: response.headers.get('retry-after') };
      }),
    async stop() {
      await Promise.all(gateways.map((g: RunningGateway) => g.stop()));
      await Promise.all([scayle.close(), open2b.close()]);
    },
  };
}

describe('a fleet of two gateway processes', () => {
  let redis: Awaited<ReturnType<typeof redisForTests>>;
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
    if (!shared) return ctx.skip();
    const answers = await shared.spread(30, () => '/v1/backends/scayle/customers?limit=1');
    expect(shared.scayle.statuses.filter((s) => s === 429)).toEqual([]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(BUDGET);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.every((a) => a.status === 429 && a.body.code === 'rate_limited' && a.body.upstream === undefined)).toBe(true);
    expect(refused.every((a) => Number(a.retryAfter) > 0 && Number(a.retryAfter) <= 600)).toBe(true);
  });

  it('sharing one Redis give exactly one 200 among 50 concurrent same-If-Match PATCHes (Open2b, derived ETags)', async (ctx) => {
    if (!shared) return ctx.skip();
    const [first] = shared.gateways;
    const created = await fetch(`${first!.origin}/v1/backends/open2b/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(raceCustomer()) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const etag = (await fetch(`${first!.origin}/v1/backends/open2b/customers/${id}`)).headers.get('etag')!;
    const answers = await shared.spread(
      50,
      () => `/v1/backends/open2b/customers/${id}`,
      (i) => ({ method: 'PATCH', headers: { 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify({ firstName: `Writer${i}` }) }),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412)).toHaveLength(49);
  });

  it('control: with the default memory store each instance spends its own budget, and the platform refuses the excess', async (ctx) => {
    if (!shared) return ctx.skip();
    const alone = await startFleet({});
    try {
      const answers = await alone.spread(30, () => '/v1/backends/scayle/customers?limit=1');
      expect(answers.filter((a) => a.status === 200)).toHaveLength(BUDGET);
      expect(alone.scayle.statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    } finally {
      await alone.stop();
    }
  }, 60_000);
});
