import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueTag } from '../conformance/harness.js';
import { registration, registrationsOf, retryUntilSettled, slowRegistration } from '../idempotency/settle-support.js';
import { redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';
import { e2ePlatforms, type RunningGateway, servePlatforms, startGateway } from './support.js';

/**
 * Honest duplicates as a user runs the gateway: `npm start` (env only) in front of the platform
 * emulators served over HTTP. Each platform stores a registration only well after the gateway's
 * deadline; the caller gets 504, retries with the same Idempotency-Key, and the platform ends up
 * with exactly one customer (inactive, no password: on Open2b its email need not be unique).
 */
const DEADLINE_MS = 1_000;
const SLOW_MS = DEADLINE_MS + 2_000;

let platforms: Awaited<ReturnType<typeof servePlatforms>>;
let gateway: RunningGateway;
beforeAll(async () => {
  platforms = await servePlatforms();
  const unpaced = Object.fromEntries(e2ePlatforms.map((p) => [`UPSTREAM_BUDGET_${p.name.toUpperCase()}`, 'off']));
  gateway = await startGateway({
    ...platforms.env,
    ...unpaced,
    REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
    LOG_LEVEL: 'warn',
  });
});
afterAll(async () => {
  await gateway?.stop();
  await platforms?.close();
});

describe('npm start: a registration the deadline cut off, retried with the same Idempotency-Key', () => {
  it.concurrent.each(e2ePlatforms.map((p) => p.name))('%s: one customer, and the real 201 replayed', async (name) => {
    const { emulator } = platforms.served.find((s) => s.platform.name === name)!;
    const tag = uniqueTag();
    const input = registration(tag);
    const register = async () => {
      const response = await fetch(`${gateway.origin}/v1/backends/${name}/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `"e2e-settle-${tag}"` },
        body: JSON.stringify(input),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    slowRegistration(name, emulator, SLOW_MS);

    const first = await register();
    expect(first.status, JSON.stringify(first.body)).toBe(504);
    expect((await register()).status).toBe(409);
    const settled = await retryUntilSettled(register);
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    expect(settled.headers.get('idempotent-replayed')).toBe('true');
    expect(await registrationsOf(name, emulator, input.email)).toEqual([settled.body.id]);
  });
});

describe('npm start told to stop (SIGTERM) while a create settles after its deadline', () => {
  let redis: Awaited<ReturnType<typeof redisForTests>>;
  const prefix = uniquePrefix('settle-e2e');
  beforeAll(async () => {
    redis = await redisForTests();
    if ('skip' in redis) console.warn(`skipping the settle-on-SIGTERM e2e test: ${redis.skip}`);
  });
  afterAll(async () => {
    if (redis && !('skip' in redis)) {
      await removeKeys(redis.url, prefix);
      await redis.stop();
    }
  });

  it('waits for it and records its answer: the next gateway replays the 201 at once, one customer', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const name = 'scayle';
    const { emulator } = platforms.served.find((s) => s.platform.name === name)!;
    const env = {
      ...platforms.env,
      UPSTREAM_BUDGET_SCAYLE: 'off',
      REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
      STORE: 'redis',
      REDIS_URL: redis.url,
      STORE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    };
    const tag = uniqueTag();
    const input = registration(tag);
    const register = async (to: RunningGateway) => {
      const response = await fetch(`${to.origin}/v1/backends/${name}/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `"e2e-sigterm-${tag}"` },
        body: JSON.stringify(input),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    const first = await startGateway(env);
    slowRegistration(name, emulator, SLOW_MS);
    expect((await register(first)).status).toBe(504);
    // Stopped with the create still on its way to the platform: it exits once the create settled.
    await first.stop();

    const next = await startGateway(env);
    try {
      // No `running` key to wait out: the recorded answer, on the first try.
      const replayed = await register(next);
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(await registrationsOf(name, emulator, input.email)).toEqual([replayed.body.id]);
    } finally {
      await next.stop();
    }
  }, 60_000);
});
