import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScayleEmulator } from '../../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../../emulators/shared/runtime.js';
import { buildGateway, type GatewayUnderTest } from '../../conformance/harness.js';

/** The gateway in front of a rate-limited SCAYLE emulator on loopback: what a caller sees of the budget. */
describe('scayle through the gateway: rate limits', () => {
  const emulator = createScayleEmulator({ rateLimit: { limit: 3, windowSeconds: 60 } });
  let server: RunningEmulator;
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    server = await serveOnLoopback(emulator.app);
    gw = buildGateway('scayle', { BACKENDS: 'scayle', ...emulator.connectionEnv(server.origin) });
  });
  afterAll(async () => server.close());

  it('passes the upstream budget on as RateLimit-* headers, and a 429 with Retry-After', async () => {
    const read = await gw.call('GET', '/customers/1');
    expect(read.status).toBe(200);
    expect(read.headers.get('ratelimit-limit')).toBe('3');
    expect(read.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(read.headers.get('ratelimit-reset'))).toBeGreaterThan(0);

    // Writes draw on their own scope (customersWrite); creates are not retried, so the 429 comes straight back.
    const body = (n: number) => ({ email: `rl-${n}-${Date.now()}@example.com`, lastName: 'Roe' });
    for (let n = 0; n < 3; n++) expect((await gw.call('POST', '/customers', body(n))).status).toBe(201);
    const limited = await gw.call('POST', '/customers', body(3));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body).toMatchObject({
      code: 'rate_limited',
      backend: 'scayle',
      upstream: { status: 429, code: 'RATE_LIMIT_EXCEED' },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
  });

  it('answers a rejected access token as 502 upstream_auth_failed, never 401', async () => {
    const bad = buildGateway('scayle', {
      BACKENDS: 'scayle',
      ...emulator.connectionEnv(server.origin),
      SCAYLE_ACCESS_TOKEN: 'revoked-token',
    });
    const res = await bad.call('GET', '/customers/1');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'upstream_auth_failed', upstream: { status: 401 } });
    expect(JSON.stringify(res.body)).not.toContain('revoked-token');
  });
});

describe('scayle through the gateway: zero configuration', () => {
  it('runs on the embedded emulator with seeded demo data when SCAYLE_BASE_URL is unset', async () => {
    const gw = buildGateway('scayle', { BACKENDS: 'scayle' });
    const res = await gw.call('GET', '/customers/ref:crm-2001?expand=addresses');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      email: 'max.mustermann@example.de',
      addresses: [expect.objectContaining({ line1: 'Domstraße 1', countryCode: 'DE' }), expect.anything()],
    });
    const deleted = await gw.call('DELETE', `/customers/${res.body.id}/addresses/${res.body.addresses[0].id}`);
    expect(deleted.status).toBe(501);
    expect(deleted.body.detail).toMatch(/anonymize/);
  });
});
