import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../schemas/index.js';
import { ConfigError } from '../../adapters/errors.js';
import { parseEventsEnv } from '../../src/events/config.js';
import { buildEvent } from '../../src/events/model.js';
import { buildGateway } from '../conformance/harness.js';
import { eventsGateway, recordingSink } from './support.js';

/** Issue 23 points 1 and 5: the pull feed, dead letters and redelivery over HTTP; the OpenAPI document; config. */
const ADMIN = 'admin-key-0123456789abcdef';
const STOREFRONT = 'storefront-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };

describe('GET /v1/events, /v1/events/dead, POST /v1/events/{id}/redeliver', () => {
  const sink = recordingSink();
  let refusing = false;
  sink.failing = () => refusing;
  const gw = eventsGateway(
    {
      BACKENDS: 'memory',
      API_KEYS: `admin:${ADMIN},storefront:${STOREFRONT}`,
      EVENTS_DEAD_AFTER_SECONDS: '1',
      EVENTS_BACKOFF_MS: '20/100',
    },
    [sink],
  );
  gw.events.start();
  afterAll(() => gw.events.stop());
  /** Until the sink has every event recorded so far: what a test then refuses is its own events only. */
  const caughtUp = async () => {
    while ((await gw.events.stats()).backlog['test:recording'] !== 0) await new Promise((r) => setTimeout(r, 20));
  };
  const register = async (lastName: string) =>
    (await gw.call('POST', '/v1/customers', { email: `${lastName}-${Date.now()}@example.com`, lastName }, admin)).body
      .id as string;

  it('lists events in order, page by page, for admin keys only', async () => {
    const first = await gw.call('GET', '/v1/events?limit=200', undefined, admin);
    expect(first.status).toBe(200);
    const start = first.body.page.nextCursor as string;
    const ids = [await register('Feed'), await register('Feed'), await register('Feed')];
    const page1 = await gw.call('GET', `/v1/events?after=${start}&limit=2`, undefined, admin);
    expect(page1.body.items.map((e: { subject: string }) => e.subject)).toEqual(ids.slice(0, 2));
    // Link: rel="next" names the next page, as on every list.
    expect(page1.headers.get('link')).toBe(`</v1/events?after=${page1.body.page.nextCursor}&limit=2>; rel="next"`);
    const page2 = await gw.call('GET', `/v1/events?after=${page1.body.page.nextCursor}&limit=2`, undefined, admin);
    expect(page2.body.items.map((e: { subject: string }) => e.subject)).toEqual(ids.slice(2));
    // `cursor`, how the other lists page, is refused by name: ignored, it would answer the oldest page again.
    const wrongName = await gw.call('GET', `/v1/events?cursor=${page1.body.page.nextCursor}`, undefined, admin);
    expect(wrongName.status).toBe(400);
    expect(wrongName.body.errors[0].path).toBe('query.cursor');
    const caughtUp = await gw.call('GET', `/v1/events?after=${page2.body.page.nextCursor}`, undefined, admin);
    expect(caughtUp.body).toEqual({
      items: [],
      page: { limit: 20, nextCursor: page2.body.page.nextCursor, caughtUp: true },
    });
    expect(page1.body.page.caughtUp).toBe(false); // full: more may follow
    expect((await gw.call('GET', '/v1/events', undefined, { 'x-api-key': STOREFRONT })).status).toBe(403);
    for (const after of ['abc', '99999999999999999']) {
      // Not a position; or past 2^53, where it would be rounded (and its next cursor refused).
      const bad = await gw.call('GET', `/v1/events?after=${after}`, undefined, admin);
      expect(bad.status, after).toBe(400);
      expect(bad.body.errors, after).toEqual([
        { path: 'query.after', message: 'must be a cursor from page.nextCursor' },
      ]);
    }
  });

  it('shows what a sink could not take, and redelivers it on request', async () => {
    await caughtUp();
    refusing = true;
    const refused = await register('Dead');
    let dead: { status: number; body: any } = { status: 0, body: { items: [] } };
    while (!dead.body.items.some((d: any) => d.event.subject === refused)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      dead = await gw.call('GET', '/v1/events/dead', undefined, admin);
    }
    const letter = dead.body.items.find((d: any) => d.event.subject === refused);
    expect(letter).toMatchObject({
      sink: 'test:recording',
      reason: 'the test sink refuses',
      event: { type: 'customer.created', subject: refused },
    });
    refusing = false;
    // As `curl -X POST …/redeliver` sends it: no body, no Content-Type.
    const redelivered = await gw.call('POST', `/v1/events/${letter.event.id}/redeliver`, undefined, admin);
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toEqual({ id: letter.event.id, sinks: ['test:recording'] });
    while (!sink.received.some((e) => e.id === letter.event.id)) await new Promise((r) => setTimeout(r, 20));
    const after = await gw.call('GET', '/v1/events/dead', undefined, admin);
    expect(after.body.items.find((d: any) => d.event.id === letter.event.id).redeliveredAt).toEqual(expect.any(String));
    // The redelivery copy is not a new event of the feed.
    const feed = await gw.call('GET', '/v1/events?limit=200', undefined, admin);
    expect(feed.body.items.filter((e: { id: string }) => e.id === letter.event.id)).toHaveLength(1);
    expect((await gw.call('POST', '/v1/events/nope/redeliver', {}, admin)).status).toBe(404);
    // No body with a JSON Content-Type is no body too (not "malformed JSON").
    const typed = await gw.app.request('/v1/events/nope/redeliver', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
    });
    expect(typed.status).toBe(404);
  });

  it('a redelivery asked twice queues one copy; asked again once it was delivered, another', async () => {
    await caughtUp();
    refusing = true;
    const refused = await register('Twice');
    let letter: any;
    while (!letter) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const dead = await gw.call('GET', '/v1/events/dead?limit=200', undefined, admin);
      letter = dead.body.items.find((d: any) => d.event.subject === refused);
    }
    const id = letter.event.id as string;
    const copies = async () =>
      (await gw.events.outbox.read(0, 10_000)).filter((e) => e.to !== undefined && e.event.id === id).length;
    const received = () => sink.received.filter((e) => e.id === id).length;
    // Both asked while the sink still refuses (a double click, a retried request): one copy waits.
    const asked = [];
    for (const _ of [1, 2]) {
      asked.push(await gw.call('POST', `/v1/events/${id}/redeliver`, undefined, admin));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(asked.map((r) => [r.status, r.body])).toEqual([
      [202, { id, sinks: ['test:recording'] }],
      [202, { id, sinks: ['test:recording'] }],
    ]);
    expect(await copies()).toBe(1);
    refusing = false;
    while (received() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // Delivered: the letter may be handed back again (the receiver lost it, say).
    while (
      (await gw.call('POST', `/v1/events/${id}/redeliver`, undefined, admin)).status === 202 &&
      (await copies()) < 2
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
    while (received() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await copies()).toBe(2);

    // A mark left by a process that died before its copy was written (backdoor: the store): the
    // letter is not stuck, it is handed back.
    while ((await gw.deps.store.get(`events:redelivering:${id}@test:recording`)) !== undefined)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await gw.deps.store.set(`events:redelivering:${id}@test:recording`, `${id}@test:recording@never-written`, 60_000);
    expect((await gw.call('POST', `/v1/events/${id}/redeliver`, undefined, admin)).status).toBe(202);
    expect(await copies()).toBe(3);
  });

  it('reports backlog and dead letters for metrics', async () => {
    expect(await gw.events.stats()).toEqual({ backlog: { 'test:recording': expect.any(Number) }, deadLetters: 2 });
  });
});

describe('events off, documentation, configuration', () => {
  it('without a sink the feed answers 501 naming how to turn events on', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory' });
    expect(gw.deps.events).toBeUndefined();
    const res = await gw.call('GET', '/v1/events');
    expect(res.status).toBe(501);
    expect(res.body.detail).toMatch(/WEBHOOK_URLS/);
  });

  it('the OpenAPI document describes the envelope, every type, the feed and the signed webhook', async () => {
    const doc = (await buildGateway('memory', { BACKENDS: 'memory' }).call('GET', '/openapi.json')).body;
    expect(doc.components.schemas.CustomerEvent.properties.specversion).toBeDefined();
    expect(doc.components.schemas.EventType.enum).toEqual(Object.keys(EVENT_TYPES));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/events/dead', '/v1/events/{id}/redeliver']),
    );
    const hook = doc.webhooks.customerEvent.post;
    expect(hook.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(doc.components.schemas.Capabilities.properties.listByUpdatedSince).toBeDefined();
  });

  it.each([
    [{ WEBHOOK_URLS: 'https://crm.example/hooks' }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URLS: 'http://crm.example/hooks', WEBHOOK_SECRET: `whsec_${btoa('x'.repeat(32))}` }, 'WEBHOOK_URLS'],
    [{ WEBHOOK_URLS: 'https://crm.example/hooks', WEBHOOK_SECRET: 'not-a-secret' }, 'WEBHOOK_SECRET'],
    // Too short (16 bytes), and base64 that no decoder reads alike (one character past a whole group).
    [{ WEBHOOK_URLS: 'https://crm.example/hooks', WEBHOOK_SECRET: `whsec_${btoa('s'.repeat(16))}` }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URLS: 'https://crm.example/hooks', WEBHOOK_SECRET: `whsec_${btoa('s'.repeat(33))}A` }, 'WEBHOOK_SECRET'],
    [
      { WEBHOOK_URLS: 'https://user:hunter2@crm.example/hooks', WEBHOOK_SECRET: `whsec_${btoa('x'.repeat(32))}` },
      'WEBHOOK_URLS',
    ],
    [{ EVENTS_PAYLOAD: 'everything' }, 'EVENTS_PAYLOAD'],
    [{ EVENTS_POLL_SECONDS: '-1' }, 'EVENTS_POLL_SECONDS'],
    [{ EVENTS_NATS_URL: 'http://nats' }, 'EVENTS_NATS_URL'],
    [{ EVENTS_BACKOFF_MS: '250' }, 'EVENTS_BACKOFF_MS'],
    [{ EVENTS_DEAD_AFTER_SECONDS: String(8 * 86_400) }, 'EVENTS_DEAD_AFTER_SECONDS'],
  ])('a bad setting %j is a ConfigError naming %s, never its value', (env, variable) => {
    let error: unknown;
    try {
      parseEventsEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(variable);
    for (const value of Object.values(env)) expect((error as ConfigError).message).not.toContain(value);
  });

  it('defaults: ids payloads, a poll a minute, 24 h of retries, 3 days kept; http only on loopback', () => {
    expect(parseEventsEnv({})).toMatchObject({
      mode: 'auto',
      payload: 'ids',
      pollSeconds: 60,
      deadAfterMs: 86_400_000,
      retentionMs: 3 * 86_400_000,
    });
    const local = parseEventsEnv({
      WEBHOOK_URLS: 'http://127.0.0.1:9/h',
      WEBHOOK_SECRET: `whsec_${btoa('k'.repeat(32))}`,
    });
    expect(local.webhooks.urls.map(String)).toEqual(['http://127.0.0.1:9/h']);
  });
});

describe('the feed for an API key limited to some backends (admin@a)', () => {
  const ALL = 'admin-all-key-0123456789';
  const BRAND_A = 'admin-a-key-0123456789ab';
  const sink = recordingSink();
  let refusing = false;
  sink.failing = () => refusing;
  const gw = eventsGateway(
    {
      BACKENDS: 'a:memory,b:memory',
      MEMORY_SEED: 'false',
      API_KEYS: `admin:${ALL},admin@a:${BRAND_A}`,
      EVENTS_PAYLOAD: 'full',
      EVENTS_DEAD_AFTER_SECONDS: '1',
      EVENTS_BACKOFF_MS: '20/100',
    },
    [sink],
  );
  gw.events.start();
  afterAll(() => gw.events.stop());
  const as = (key: string) => ({ 'x-api-key': key });
  const register = async (backend: string, lastName: string) =>
    (
      await gw.call(
        'POST',
        `/v1/backends/${backend}/customers`,
        { email: `${lastName}-${Date.now()}@example.com`, lastName },
        as(ALL),
      )
    ).body.id as string;

  it("lists only its backends' events and dead letters, reading on past the others; redelivers only its own", async () => {
    refusing = true;
    // Another brand's customers before and after this brand's one: a page of 2 has to read past them.
    for (let i = 0; i < 3; i++) await register('b', `Other${i}`);
    const own = await register('a', 'Own');
    await register('b', 'Other3');
    const feed = await gw.call('GET', '/v1/events?limit=2', undefined, as(BRAND_A));
    expect(feed.status).toBe(200);
    expect(feed.body.items.map((e: { source: string; subject: string }) => [e.source, e.subject])).toEqual([
      ['/customer-gateway/backends/a', own],
    ]);
    expect(JSON.stringify(feed.body)).not.toContain('Other');
    const all = await gw.call('GET', '/v1/events?limit=100', undefined, as(ALL));
    expect(all.body.items.filter((e: { source: string }) => e.source.endsWith('/b'))).toHaveLength(4);

    let dead: { body: any } = { body: { items: [] } };
    while (dead.body.items.length < 5) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      dead = await gw.call('GET', '/v1/events/dead?limit=100', undefined, as(ALL));
    }
    refusing = false;
    const ownDead = await gw.call('GET', '/v1/events/dead?limit=100', undefined, as(BRAND_A));
    expect(ownDead.body.items.map((d: { event: { subject: string } }) => d.event.subject)).toEqual([own]);
    const otherId = dead.body.items.find((d: any) => d.event.source.endsWith('/b')).event.id as string;
    expect((await gw.call('POST', `/v1/events/${otherId}/redeliver`, {}, as(BRAND_A))).status).toBe(404);
    expect(
      (await gw.call('POST', `/v1/events/${ownDead.body.items[0].event.id}/redeliver`, {}, as(BRAND_A))).status,
    ).toBe(202);
  });

  it("reads past at most 10,000 of the others' events per request, then answers what it has with where to go on", async () => {
    const tail = (await gw.call('GET', '/v1/events?limit=200', undefined, as(ALL))).body.page.nextCursor as string;
    let all = tail;
    while (true) {
      const page = (await gw.call('GET', `/v1/events?after=${all}&limit=200`, undefined, as(ALL))).body.page;
      all = page.nextCursor;
      if (page.caughtUp) break;
    }
    const others = Array.from({ length: 12_000 }, (_, i) =>
      buildEvent({ type: 'customer.updated', backend: 'b', customerId: `b${i}` }, `bulk-${i}`, new Date(), {
        source: '/customer-gateway',
        payload: 'ids',
      }),
    );
    await gw.events.outbox.append(others);
    const own = await register('a', 'Quiet');
    const first = await gw.call('GET', `/v1/events?after=${all}`, undefined, as(BRAND_A));
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([]);
    expect(first.body.page.caughtUp).toBe(false);
    expect(Number(first.body.page.nextCursor)).toBeGreaterThan(Number(all));
    const next = await gw.call('GET', `/v1/events?after=${first.body.page.nextCursor}`, undefined, as(BRAND_A));
    expect(next.body.items.map((e: { subject: string }) => e.subject)).toEqual([own]);
    expect(next.body.page.caughtUp).toBe(true);
  });
});
