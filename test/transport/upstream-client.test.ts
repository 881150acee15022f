import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import {
  createUpstreamClient,
  DEFAULT_RETRY_LIMIT,
  retryAfterSeconds,
  sending,
} from '../../transport/upstream-client.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import { failure, testContext } from '../adapters/support.js';

/** A scripted upstream on loopback: each path answers from a queue of statuses. */
const hits: Record<string, number> = {};
const seenRequestIds: string[] = [];
const upstream = new Hono()
  .use('*', async (c, next) => {
    hits[`${c.req.method} ${c.req.path}`] = (hits[`${c.req.method} ${c.req.path}`] ?? 0) + 1;
    seenRequestIds.push(c.req.header('x-request-id') ?? '');
    await next();
  })
  .all('/flaky/:n', (c) =>
    hits[`${c.req.method} ${c.req.path}`]! <= Number(c.req.param('n')) ? c.text('busy', 503) : c.json({ ok: true }),
  )
  .get('/limited', (c) =>
    hits['GET /limited']! === 1 ? c.text('slow down', 429, { 'retry-after': '1' }) : c.json({ ok: true }),
  )
  .get('/slow', async (c) => {
    await new Promise((r) => setTimeout(r, 1_500));
    return c.json({ ok: true });
  })
  .get('/always-503', (c) => c.text('down', 503))
  .get('/slow-503', async (c) => {
    await new Promise((r) => setTimeout(r, 400));
    return c.text('down', 503);
  })
  .get('/trickle', (c) =>
    // Headers at once, the body 20 s later.
    c.body(
      new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode('{"ok":'));
          await new Promise((r) => setTimeout(r, 20_000).unref());
          controller.enqueue(new TextEncoder().encode('true}'));
          controller.close();
        },
      }),
      200,
      { 'content-type': 'application/json' },
    ),
  )
  .get('/busy-1s', (c) => c.text('busy', 503, { 'retry-after': '1' }))
  .get('/busy-3s', (c) => c.text('busy', 503, { 'retry-after': '3' }))
  .get('/symfony-3s', (c) => c.text('slow down', 429, { 'x-ratelimit-retry-after': '3' }))
  .all('/status/:code', (c) => c.text('x', Number(c.req.param('code')) as 500))
  .get('/long-reset', (c) => c.text('spent', 429, { 'x-ratelimit-reset': '60' }));

let server: RunningEmulator;
beforeAll(async () => {
  server = await serveOnLoopback(upstream);
});
afterAll(async () => server.close());

const client = (overrides: Partial<Parameters<typeof createUpstreamClient>[0]> = {}) =>
  createUpstreamClient({ baseUrl: server.origin, fetch: (i, o) => fetch(i, o), backend: 'test', ...overrides });

describe('shared upstream client (ky)', () => {
  it('retries an idempotent GET on 503 and forwards the request id', async () => {
    const res = await client().request(testContext().ctx, 'GET', '/flaky/2');
    expect(res.status).toBe(200);
    expect(hits['GET /flaky/2']).toBe(3);
    expect(seenRequestIds).toContain('test-request-1');
  });

  it('never retries a POST, which may not be idempotent', async () => {
    const res = await client().request(testContext().ctx, 'POST', '/flaky/1', { json: {} });
    expect(res.status).toBe(503);
    expect(hits['POST /flaky/1']).toBe(1);
  });

  it('retries a POST marked idempotent (RPC reads)', async () => {
    const res = await client().request(testContext().ctx, 'POST', '/flaky/5', { json: {}, idempotent: true });
    expect(res.status).toBe(503); // DEFAULT_RETRY_LIMIT retries, all busy
    expect(await res.text()).toBe('busy'); // the adapter still gets the last answer's body
    expect(hits['POST /flaky/5']).toBe(DEFAULT_RETRY_LIMIT + 1);
  });

  it('waits for Retry-After on 429 before retrying', async () => {
    const started = Date.now();
    const res = await client().request(testContext().ctx, 'GET', '/limited');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('answers a 429 with a long reset at once instead of waiting into the deadline', async () => {
    const started = Date.now();
    const res = await client().request(testContext().ctx, 'GET', '/long-reset');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-reset')).toBe('60');
    expect(hits['GET /long-reset']).toBe(1);
    // Not the 60 s reset: room for a machine ten times slower than this one's few ms.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('turns a per-attempt timeout into upstream_timeout, without another attempt', async () => {
    const before = hits['GET /slow'] ?? 0;
    const error = await failure(client({ timeoutMs: 200 }).request(testContext().ctx, 'GET', '/slow'));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe('upstream_timeout');
    expect(hits['GET /slow']! - before).toBe(1);
  });

  it("bounds an attempt's body by the per-attempt timeout too (headers at once, body trickling)", async () => {
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 300 }).request(testContext().ctx, 'GET', '/trickle'));
    expect(error.code).toBe('upstream_timeout');
    // Ten times the 300 ms attempt, far short of the body's 20 s.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('never waits out a backoff past the deadline: a failing upstream is answered by the deadline', async () => {
    const started = Date.now();
    const outcome = await client({ totalTimeoutMs: 700, retryLimit: 10 })
      .request(testContext().ctx, 'GET', '/always-503')
      .then(
        (res) => res.status,
        (error: GatewayError) => error.code,
      );
    // Backoffs (jittered, up to 0.3, 0.6, 1.2 s …) are cut at the 0.7 s deadline: the last 503, or
    // an attempt started at the deadline and cut at once.
    expect([503, 'upstream_timeout']).toContain(outcome);
    // Ten times the 0.7 s deadline; the backoffs of 10 retries alone would sum to ~16 s.
    expect(Date.now() - started).toBeLessThan(7_000);
  });

  it('bounds the total time across retries: stops retrying when the next wait would pass the deadline', async () => {
    const started = Date.now();
    const res = await client({ totalTimeoutMs: 1_500, retryLimit: 10 }).request(testContext().ctx, 'GET', '/busy-1s');
    expect(res.status).toBe(503); // the adapter maps it, with its Retry-After
    // Two attempts (a third would start past the deadline), answered well within ten times the deadline.
    expect(hits['GET /busy-1s']).toBe(2);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("ends retries by the request's deadline too: a Retry-After that would outlast it is answered at once", async () => {
    // 3 s is a wait the client takes within its own 20 s (below MAX_RETRY_WAIT_MS), but the request
    // that makes the call has 0.5 s left: the 503 and its Retry-After go to the caller now.
    const deadline = Date.now() + 500;
    const ctx = { ...testContext().ctx, remainingMs: () => Math.max(0, deadline - Date.now()) };
    const res = await client().request(ctx, 'GET', '/busy-3s');
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, '3']);
    expect(hits['GET /busy-3s']).toBe(1);
    // The same for every header ky waits for (X-RateLimit-Retry-After: Symfony's).
    const limited = await client().request(ctx, 'GET', '/symfony-3s');
    expect(limited.status).toBe(429);
    expect(hits['GET /symfony-3s']).toBe(1);
  });

  it("takes no backoff that would reach the request's deadline: the platform's 503 now, not a 504 then", async () => {
    const deadline = Date.now() + 500;
    const ctx = { ...testContext().ctx, remainingMs: () => Math.max(0, deadline - Date.now()) };
    const before = hits['GET /always-503'] ?? 0;
    const res = await client({ retryLimit: 10 }).request(ctx, 'GET', '/always-503');
    expect(res.status).toBe(503);
    // The first backoff (≤ 0.3 s) fits in 0.5 s, the second (≤ 0.6 s) does not.
    expect(hits['GET /always-503']! - before).toBeLessThanOrEqual(2);
  });

  it('starts no retry that could not end by the deadline: one as slow as the last would answer 504', async () => {
    // 400 ms per attempt, 750 ms in all: after the first (and ≤ 0.3 s of backoff) a second would end past it.
    const deadline = Date.now() + 750;
    const ctx = { ...testContext().ctx, remainingMs: () => Math.max(0, deadline - Date.now()) };
    const res = await client({ retryLimit: 10 }).request(ctx, 'GET', '/slow-503');
    expect(res.status).toBe(503);
    expect(hits['GET /slow-503']).toBe(1);
  });

  it('retries only 429/502/503/504, and never a PATCH', async () => {
    for (const code of [500, 501, 400]) {
      expect((await client().request(testContext().ctx, 'GET', `/status/${code}`)).status).toBe(code);
      expect(hits[`GET /status/${code}`]).toBe(1);
    }
    for (const code of [502, 504]) {
      expect((await client({ retryLimit: 1 }).request(testContext().ctx, 'GET', `/status/${code}`)).status).toBe(code);
      expect(hits[`GET /status/${code}`]).toBe(2);
    }
    expect((await client().request(testContext().ctx, 'PATCH', '/status/503', { json: {} })).status).toBe(503);
    expect(hits['PATCH /status/503']).toBe(1);
  });

  it("reports the gateway's own deadline (the caller's signal) as upstream_timeout", async () => {
    const error = await failure(client().request(testContext(AbortSignal.timeout(200)).ctx, 'GET', '/slow'));
    expect(error.code).toBe('upstream_timeout');
    expect(error.status).toBe(504);
  });

  it('gives up when the caller goes away', async () => {
    const controller = new AbortController();
    const pending = client().request(testContext(controller.signal).ctx, 'GET', '/slow');
    setTimeout(() => controller.abort(), 100);
    expect((await failure(pending)).code).toBe('upstream_timeout');
  });

  it('turns a refused connection into upstream_unavailable without leaking the URL credentials', async () => {
    const closed = await serveOnLoopback(new Hono());
    await closed.close();
    const error = await failure(
      client({ baseUrl: closed.origin, retryLimit: 0 }).request(testContext().ctx, 'GET', '/x'),
    );
    expect(error.code).toBe('upstream_unavailable');
    expect(error.status).toBe(503);
  });

  it("sets the client's headers and the request id on what is sent, a Request or a URL with init", () => {
    const own: [string, string][] = [
      ['x-access-token', 't'],
      ['accept', 'application/json'],
    ];
    const signal = new AbortController().signal;
    const request = new Request('http://upstream.test/a', { headers: { accept: 'text/plain' } });
    expect(sending(request, {}, own, 'r-1', signal)).toEqual({ signal });
    expect(Object.fromEntries(request.headers)).toEqual({
      accept: 'text/plain',
      'x-access-token': 't',
      'x-request-id': 'r-1',
    });
    const init = sending(
      'http://upstream.test/b',
      { method: 'POST', headers: { 'x-request-id': 'mine' } },
      own,
      'r-2',
      signal,
    );
    expect(init).toMatchObject({ method: 'POST', signal });
    expect(Object.fromEntries(init.headers as Headers)).toEqual({
      accept: 'application/json',
      'x-access-token': 't',
      'x-request-id': 'mine',
    });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});
