import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  liveGateway,
  onTarget,
  PASSWORD,
  type Platforms,
  type Seeded,
  seedSource,
  servePair,
} from '../live/support.js';
import { backendOfSource } from '../../src/events/model.js';
import { redisForTests, removeKeys, uniquePrefix } from '../store/redis-server.js';
import { type RunningGateway, startGateway } from './support.js';

/**
 * The live migration as users run it: `npm start` (env only) with LIVE_MIGRATION=open2b->scayle
 * and a Redis store, in front of emulators served over HTTP. A shopper signs in and is moved, a
 * gateway is SIGKILLed half-way through a move and the next one completes it, and after cut-over
 * (phase `target`, the source emulator stopped) the source's ids still resolve.
 */
describe('npm start with LIVE_MIGRATION=open2b->scayle', () => {
  let redis: Awaited<ReturnType<typeof redisForTests>>;
  let platforms: Platforms;
  let customers: Seeded[];
  let env: Record<string, string>;
  const prefix = uniquePrefix('live-e2e');
  const running: RunningGateway[] = [];
  const start = async (more: Record<string, string> = {}) => {
    const gateway = await startGateway({ ...env, ...more });
    running.push(gateway);
    return gateway;
  };
  const call = async (gateway: RunningGateway, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.origin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    redis = await redisForTests();
    if ('skip' in redis) return console.warn(`skipping the live-migration e2e test: ${redis.skip}`);
    platforms = await servePair('open2b', 'scayle');
    customers = await seedSource(liveGateway(platforms, 'open2b->scayle'), 'open2b', 4);
    env = {
      ...platforms.env,
      BACKENDS: 'open2b',
      LIVE_MIGRATION: 'open2b->scayle',
      DEFAULT_BACKEND: 'live',
      STORE: 'redis',
      REDIS_URL: redis.url,
      STORE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      // A killed gateway's move lease lapses a second after its deadline: short, so the test need not wait long.
      REQUEST_TIMEOUT_MS: '2000',
    };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(running.map((g) => g.stop()));
    if (redis && !('skip' in redis)) {
      await removeKeys(redis.url, prefix);
      await redis.stop();
    }
    await platforms?.close();
  });

  it('signs an unmoved shopper in (the password moves), serves reads, moves on write, lists the union', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const gateway = await start();
    const [shopper, editor] = customers;
    const login = await call(gateway, 'POST', '/v1/auth/login', { email: shopper!.email, password: PASSWORD });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(await onTarget(platforms, 'scayle', shopper!.email)).toMatchObject({
      count: 1,
      addresses: 1,
      password: true,
    });

    const read = await call(gateway, 'GET', `/v1/customers/${editor!.id}`);
    expect(read.body).toMatchObject({ id: editor!.id, migration: { state: 'source' } });
    const patched = await call(gateway, 'PATCH', `/v1/customers/${editor!.id}`, { firstName: 'Edited' });
    expect(patched.body).toMatchObject({ id: editor!.id, firstName: 'Edited', migration: { state: 'moved' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(gateway, 'GET', `/v1/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(customers.map((c) => c.id).sort());

    const status = await call(gateway, 'GET', '/v1/backends/live/migration');
    expect(status.body).toMatchObject({ moved: 2, passwordsCarried: 1, loginsVerifiedAtSource: 1, remaining: 2 });
  }, 60_000);

  it('a gateway killed half-way through a move: the next touch, on another gateway, completes it', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const victim = await start();
    const c = customers[2]!;
    // The customer lands on SCAYLE; its address create hangs (and is never applied) while the gateway is killed.
    platforms.faults('scayle').inject({ method: 'POST', path: /\/addresses$/, latencyMs: 5_000, drop: true, times: 1 });
    const pending = call(victim, 'PATCH', `/v1/customers/${c.id}`, { firstName: 'Crashed' }).catch(() => undefined);
    // Killed once the address create has reached SCAYLE (and hangs there): the customer exists, its address never will.
    for (let i = 0; i < 400 && platforms.faults('scayle').active.length > 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    await victim.kill();
    await pending;
    expect(await onTarget(platforms, 'scayle', c.email)).toMatchObject({ count: 1, addresses: 0 });

    const next = await start();
    // While the dead gateway's lease lasts, reads are served from the source; then a read completes the move.
    let read = await call(next, 'GET', `/v1/customers/${c.id}?expand=addresses`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    for (let i = 0; i < 100 && read.body.migration.state !== 'moved'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      read = await call(next, 'GET', `/v1/customers/${c.id}?expand=addresses`);
    }
    expect(read.body).toMatchObject({ migration: { state: 'moved' }, addresses: [expect.any(Object)] });
    expect(await onTarget(platforms, 'scayle', c.email)).toMatchObject({ count: 1, addresses: 1 });
  }, 60_000);

  it('an erasure through the target backend clears the events kept under live and the source too (pull feed)', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    const gateway = await start({ EVENTS: 'on', EVENTS_PAYLOAD: 'full', EVENTS_POLL_SECONDS: '0' });
    const c = customers[3]!;
    const moved = await call(gateway, 'PATCH', `/v1/customers/${c.id}`, { firstName: 'Evented' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const targetId = moved.body.migration.targetId as string;
    expect(
      (await call(gateway, 'PATCH', `/v1/backends/scayle/customers/${targetId}`, { lastName: 'Direct' })).status,
    ).toBe(200);
    const names: Record<string, string> = { live: c.id, open2b: c.id, scayle: targetId };
    const aboutThem = async () => {
      const feed = await call(gateway, 'GET', '/v1/events?limit=200');
      expect(feed.status, JSON.stringify(feed.body)).toBe(200);
      return (feed.body.items as { type: string; source: string; subject: string; data: unknown }[]).filter(
        (e) => names[backendOfSource(e.source)] === e.subject,
      );
    };
    const holding = async () => (await aboutThem()).filter((e) => JSON.stringify(e.data).includes(c.email));
    expect(new Set((await holding()).map((e) => backendOfSource(e.source)))).toEqual(new Set(['live', 'scayle']));

    const report = await call(gateway, 'POST', `/v1/backends/scayle/customers/${targetId}/erase`, {});
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(await holding()).toEqual([]);
    const erased = (await aboutThem()).filter((e) => e.type === 'customer.erased');
    expect(erased.map((e) => backendOfSource(e.source)).sort()).toEqual(['live', 'open2b', 'scayle']);
  }, 60_000);

  it('after cut-over (phase target, the source stopped) source ids and ref: still resolve', async (ctx) => {
    if ('skip' in redis) return ctx.skip();
    await Promise.all(running.splice(0).map((g) => g.stop()));
    await platforms.stop('open2b');
    const gateway = await start({ LIVE_MIGRATION_PHASE: 'target' });
    for (const c of customers.slice(0, 3)) {
      // Their own references (crm-…) are on the target; their source ids are known from the shared store.
      const byId = await call(gateway, 'GET', `/v1/customers/${c.id}`);
      expect(byId.status, JSON.stringify(byId.body)).toBe(200);
      expect(byId.body).toMatchObject({ id: c.id, email: c.email, migration: { state: 'moved' } });
      expect((await call(gateway, 'GET', `/v1/customers/ref:${c.externalRef}`)).body.id).toBe(c.id);
    }
    expect((await call(gateway, 'GET', `/v1/customers/${customers[3]!.id}`)).status).toBe(404);
    expect((await call(gateway, 'GET', '/v1/backends/live/migration')).body).toMatchObject({
      phase: 'target',
      moved: 3,
    });
  }, 60_000);
});
