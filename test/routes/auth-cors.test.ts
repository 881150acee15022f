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

  it('leaves /health, /openapi.json and /docs open', async () => {
    for (const path of ['/health', '/openapi.json', '/docs']) expect((await gw.app.request(path)).status).toBe(200);
  });
});

describe('CORS for browser storefronts (CORS_ORIGINS)', () => {
  it('answers preflights for configured origins and exposes ETag, Location and Link', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory', CORS_ORIGINS: 'https://shop.example.com' });
    const preflight = await gw.app.request('/v1/customers', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'if-match,content-type' },
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
