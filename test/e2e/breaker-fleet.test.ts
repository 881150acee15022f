import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import { redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';
import { type RunningGateway, startGateway } from './support.js';

/**
 * Issue 25 point 5 as a fleet runs it: two `npm start` processes (env only) on one Redis, in front
 * of a SCAYLE emulator served over HTTP that drops every connection, and a healthy Open2b one.
 */
describe('a circuit breaker shared by two gateway processes on one Redis', () => {
  let redis: Awaited<ReturnType<typeof redisForTests>>;
  const prefix = uniquePrefix('breaker');
  const scayle = createScayleEmulator();
  let servers: RunningEmulator[] = [];
  let gateways: RunningGateway[] = [];

  beforeAll(async () => {
    redis = await redisForTests();
    if ('skip' in redis) return console.warn(`skipping the breaker fleet test: ${redis.skip}`);
    const open2b = createOpen2bEmulator();
    servers = [await serveOnLoopback(scayle.app), await serveOnLoopback(open2b.app)];
    const env = {
      BACKENDS: 'scayle,open2b',
      LOG_LEVEL: 'error',
      STORE: 'redis',
      REDIS_URL: redis.url,
      STORE_PREFIX: prefix,
      BREAKER_FAILURES: '3',
      BREAKER_COOLDOWN_MS: '2000',
      ...scayle.connectionEnv(servers[0]!.origin),
      ...open2b.connectionEnv(servers[1]!.origin),
    };
    gateways = await Promise.all([startGateway(env), startGateway(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(servers.map((s) => s.close()));
    if (redis && !('skip' in redis)) {
      await removeKeys(redis.url, prefix);
      await redis.stop();
    }
  }, 30_000);

  const get = async (gateway: RunningGateway, path: string) => {
    const response = await fetch(`${gateway.origin}${path}`);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  };

  it('one process opens it, the other answers 503 at once without calling the platform, and both close after a probe', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const [a, b] = gateways as [RunningGateway, RunningGateway];
    scayle.faults.inject({ drop: true });
    const first = await get(a, '/v1/backends/scayle/customers?limit=1');
    expect(first.status).toBe(503);
    let served = servers[0]!.requestsServed;
    const again = await get(a, '/v1/backends/scayle/customers?limit=1');
    expect(again).toMatchObject({ status: 503, body: { code: 'upstream_unavailable' } });
    expect(again.body.detail).toContain('circuit breaker is open');
    expect(Number(again.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(servers[0]!.requestsServed).toBe(served);

    // b: at most one failed attempt, then the fleet's record opens it there too.
    const fromB = await get(b, '/v1/backends/scayle/customers?limit=1');
    expect(fromB.status).toBe(503);
    expect(fromB.body.detail).toContain('circuit breaker is open');
    expect(servers[0]!.requestsServed - served).toBeLessThanOrEqual(1);
    served = servers[0]!.requestsServed;
    expect((await get(b, '/v1/backends/scayle/customers?limit=1')).status).toBe(503);
    expect(servers[0]!.requestsServed).toBe(served);
    // Other backends are untouched.
    expect((await get(b, '/v1/backends/open2b/customers?limit=1')).status).toBe(200);

    // The platform comes back: after the cool-down one probe goes through and closes it for both.
    scayle.faults.clear();
    for (const gateway of [a, b]) {
      let status = 0;
      for (let tries = 0; status !== 200 && tries < 100; tries++) {
        status = (await get(gateway, '/v1/backends/scayle/customers?limit=1')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100)); // the cool-down is a time
      }
      expect(status).toBe(200);
    }
  }, 60_000);
});
