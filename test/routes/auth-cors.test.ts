import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const KEY = 'storefront-key-0123456789';

describe('caller API keys (API_KEYS)', () => {
  const gw = buildGateway('memory', { BACKENDS: 'memory', API_KEYS: `${KEY},another-key-abcdefghij` });

  it('401 without a key, 403 with a wrong one, 200 with a configured one', async () => {
    const none = await gw.call('GET', '/v1/customers');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('unauthorized');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await gw.call('GET', '/v1/customers', undefined, { authorization: 'Bearer not-the-key-0000000' });
    expect(wrong.status).toBe(403);
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-key');
    expect((await gw.call('GET', '/v1/customers', undefined, { authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  it('leaves /health, /ready, /openapi.json and /docs open', async () => {
    for (const path of ['/health', '/ready', '/openapi.json', '/docs'])
      expect((await gw.app.request(path)).status).toBe(200);
  });

  it('tells /health and /ready details (backends, checks) only to an admin key that reaches every backend', async () => {
    const keys = {
      admin: 'admin-key-0123456789abcdef',
      brand: 'brand-admin-key-0123456789',
      storefront: 'shop-key-0123456789abcdef',
    };
    const scoped = buildGateway('memory', {
      BACKENDS: 'memory,brand-b:memory',
      API_KEYS: `admin:${keys.admin},admin@brand-b:${keys.brand},storefront:${keys.storefront}`,
    });
    const read = async (path: string, headers: Record<string, string> = {}) => {
      const res = await scoped.app.request(path, { headers });
      expect(res.status).toBe(200);
      return res.json();
    };
    const others: Record<string, string>[] = [
      {},
      ...[keys.storefront, keys.brand, 'nope'].map((k) => ({ 'x-api-key': k })),
    ];
    for (const headers of others) {
      expect(await read('/health', headers)).toEqual({ status: 'ok' });
      expect(await read('/ready', headers)).toEqual({ status: 'ready' });
    }
    const operator: Record<string, string>[] = [{ 'x-api-key': keys.admin }, { authorization: `Bearer ${keys.admin}` }];
    for (const headers of operator) {
      expect(await read('/health', headers)).toEqual({ status: 'ok', backends: ['memory', 'brand-b'] });
      expect(await read('/ready', headers)).toMatchObject({
        status: 'ready',
        checks: { backends: { memory: { ok: true }, 'brand-b': { ok: true } } },
      });
    }
  });

  it('counts the live backend among those an operator key must reach (no key can name it)', async () => {
    const key = 'pair-admin-key-0123456789';
    const live = buildGateway('live', {
      BACKENDS: 'open2b',
      LIVE_MIGRATION: 'open2b->scayle',
      API_KEYS: `admin@open2b+scayle:${key}`,
    });
    const health = await live.app.request('/health', { headers: { 'x-api-key': key } });
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});

describe('CORS for browser storefronts (CORS_ORIGINS)', () => {
  it('answers preflights for configured origins and exposes ETag, Location and Link', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory', CORS_ORIGINS: 'https://shop.example.com' });
    const preflight = await gw.app.request('/v1/customers', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example.com',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'if-match,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-match');
    const res = await gw.app.request('/v1/customers/00001', { headers: { origin: 'https://shop.example.com' } });
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
    const foreign = await gw.app.request('/v1/customers/00001', { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers when CORS_ORIGINS is unset', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory' });
    const res = await gw.app.request('/v1/customers/00001', { headers: { origin: 'https://shop.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('scoped API keys (API_KEYS admin:/storefront:)', () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  const gw = buildGateway('memory', { BACKENDS: 'memory', API_KEYS: `admin:${ADMIN},storefront:${KEY}` });

  it('a storefront key in X-Api-Key reaches /v1/auth/* only, never the admin routes', async () => {
    const login = await gw.call(
      'POST',
      '/v1/auth/login',
      { email: 'none@example.com', password: 'whatever-1' },
      { 'x-api-key': KEY },
    );
    expect(login.status).toBe(401);
    expect(login.body.detail).toBe('email or password is wrong');
    for (const [method, path] of [
      ['GET', '/v1/customers'],
      ['GET', '/v1/customers/00001'],
      ['GET', '/v1/backends'],
      ['DELETE', '/v1/backends/memory/customers/00001'],
    ] as const) {
      const res = await gw.call(method, path, undefined, { 'x-api-key': KEY });
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain('storefront');
    }
    expect((await gw.call('GET', '/v1/customers', undefined, { authorization: `Bearer ${KEY}` })).status).toBe(403);
  });

  it('an admin key works as Authorization: Bearer or X-Api-Key, on every route', async () => {
    expect((await gw.call('GET', '/v1/customers', undefined, { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    expect((await gw.call('GET', '/v1/customers', undefined, { 'x-api-key': ADMIN })).status).toBe(200);
    expect(
      (
        await gw.call(
          'POST',
          '/v1/auth/login',
          { email: 'none@example.com', password: 'whatever-1' },
          { 'x-api-key': ADMIN },
        )
      ).status,
    ).toBe(401);
  });

  it('on /v1/me the key must come in X-Api-Key (Authorization carries the access token)', async () => {
    const res = await gw.call('GET', '/v1/me', undefined, { authorization: `Bearer ${ADMIN}` });
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('X-Api-Key');
    const noToken = await gw.call('GET', '/v1/me', undefined, { 'x-api-key': KEY });
    expect(noToken.status).toBe(401);
    expect(noToken.body.detail).toContain('access token');
    expect(
      (await gw.call('GET', '/v1/me', undefined, { 'x-api-key': 'wrong-key-0123456789abc', authorization: 'Bearer x' }))
        .status,
    ).toBe(403);
  });
});
