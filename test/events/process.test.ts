import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { SCAYLE_EMULATOR_TOKEN } from '../../emulators/scayle/index.js';
import { e2ePlatforms, type RunningGateway, servePlatforms, startGateway } from '../e2e/support.js';
import { redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';
import { type Receiver, startReceiver } from './receivers.js';

/**
 * Issue 23 points 2 and 3 as users run them: a fleet of two `npm start` processes sharing Redis,
 * SCAYLE served over HTTP, a real webhook receiver. A write through either instance is delivered
 * signed; a change another system makes on SCAYLE directly is found by the fleet's poller and
 * delivered once; the gateway's own write is not announced again by the poller.
 */
const SECRET = `whsec_${Buffer.from('process-secret-0123456789abcdef').toString('base64')}`;

describe('change events through npm start (a fleet of two, Redis, SCAYLE over HTTP)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('delivers gateway writes and changes made elsewhere, each once, signed', async (ctx) => {
    const redis = await redisForTests();
    if ('skip' in redis) return ctx.skip();
    const platforms = await servePlatforms(e2ePlatforms.filter((p) => p.name === 'scayle'));
    const receiver: Receiver = await startReceiver();
    const prefix = uniquePrefix('events-process');
    cleanups.push(platforms.close, receiver.close, () => removeKeys(redis.url, prefix), redis.stop);
    const env = {
      ...platforms.env,
      LOG_LEVEL: 'warn',
      STORE: 'redis',
      REDIS_URL: redis.url,
      STORE_PREFIX: prefix,
      UPSTREAM_BUDGET_SCAYLE: 'off',
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: SECRET,
      EVENTS_POLL_SECONDS: '1',
      EVENTS_LEASE_MS: '1000',
    };
    const fleet: RunningGateway[] = await Promise.all([startGateway(env), startGateway(env)]);
    cleanups.push(() => Promise.all(fleet.map((g) => g.stop())));
    const arrived = (test: (origin: string, subject: string) => boolean) =>
      receiver.until(() => receiver.deliveries.some((d) => test(d.event.data.origin, d.event.subject)));

    // A registration through one instance, an update through the other.
    const tag = Date.now().toString(36);
    const created = await fetch(`${fleet[0]!.origin}/v1/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `fleet-${tag}@example.com`, lastName: 'Fleet' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const patched = await fetch(`${fleet[1]!.origin}/v1/customers/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Flo' }),
    });
    expect(patched.status).toBe(200);

    // Another system registers a customer on SCAYLE directly.
    const outside = await fetch(`${platforms.env.SCAYLE_BASE_URL}/shops/demo/countries/DE/customers`, {
      method: 'POST',
      headers: { 'x-access-token': SCAYLE_EMULATOR_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `elsewhere-${tag}@example.com`, lastName: 'Elsewhere' }),
    });
    expect(outside.status).toBe(201);
    const theirs = String(((await outside.json()) as { id: number }).id);
    await arrived((origin, subject) => origin === 'poll' && subject === theirs);
    await arrived((origin, subject) => origin === 'gateway' && subject === id);

    // The poll that found their customer looked at ours too (it is older): it added nothing for it.
    const events = receiver.deliveries.map((d) => d.event);
    expect(events.filter((e) => e.subject === id).map((e) => [e.type, e.data.origin])).toEqual([
      ['customer.created', 'gateway'],
      ['customer.updated', 'gateway'],
    ]);
    expect(events.filter((e) => e.subject === theirs).map((e) => [e.type, e.data.origin])).toEqual([
      ['customer.created', 'poll'],
    ]);
    for (const { body, headers } of receiver.deliveries)
      expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));

    // A customer SCAYLE fails on (its addresses answer 500) does not hold the fleet's poll back: one
    // registered after it is still found, and it is announced once SCAYLE answers for it again.
    const register = async (email: string) => {
      const res = await fetch(`${platforms.env.SCAYLE_BASE_URL}/shops/demo/countries/DE/customers`, {
        method: 'POST',
        headers: { 'x-access-token': SCAYLE_EMULATOR_TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({ email, lastName: 'Elsewhere' }),
      });
      expect(res.status).toBe(201);
      return String(((await res.json()) as { id: number }).id);
    };
    const scayle = platforms.served[0]!.emulator;
    const failing = await register(`failing-${tag}@example.com`);
    scayle.faults.inject({ method: 'GET', path: `/customers/${failing}/addresses`, status: 500 });
    const after = await register(`after-${tag}@example.com`);
    await arrived((origin, subject) => origin === 'poll' && subject === after);
    expect(receiver.deliveries.some((d) => d.event.subject === failing)).toBe(false);
    scayle.faults.restore();
    await arrived((origin, subject) => origin === 'poll' && subject === failing);
  }, 60_000);
});
