import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const KEY_A = `${'a'.repeat(16)}-limits-key-one`;
const KEY_B = `${'b'.repeat(16)}-limits-key-two`;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('caller rate limits (CALLER_RATE_LIMIT)', () => {
  it('gives each API key its own budget: RateLimit-* on every answer, then 429 with Retry-After', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory', API_KEYS: `${KEY_A},${KEY_B}`, CALLER_RATE_LIMIT: '3/60' });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await gw.call('GET', '/customers', undefined, as(KEY_A)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers.every((a) => a.headers.get('ratelimit-limit') === '3')).toBe(true);
    const refused = answers[3]!;
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(refused.body.upstream).toBeUndefined();
    // One token comes back every 20 s.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(15);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
    expect((await gw.call('GET', '/customers', undefined, as(KEY_B))).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await gw.app.request('/health')).status).toBe(200);
  });

  it("counts sign-ins per client address under a storefront key, so one client cannot spend every shopper's", async () => {
    const STOREFRONT = 'storefront-limits-key-0123456789';
    const gw = buildGateway('memory', {
      BACKENDS: 'memory',
      API_KEYS: `storefront:${STOREFRONT}`,
      CALLER_RATE_LIMIT: '2/600',
      CLIENT_ADDRESS_HEADER: 'x-client-ip',
    });
    const signIn = (address: string) =>
      gw.call(
        'POST',
        '/v1/auth/login',
        { email: 'nobody@example.com', password: 'Not-The-Passw0rd' },
        { 'x-api-key': STOREFRONT, 'x-client-ip': address },
      );
    const fromOne = [];
    for (let i = 0; i < 3; i++) fromOne.push((await signIn('203.0.113.7')).status);
    expect(fromOne).toEqual([401, 401, 429]);
    // Another shopper's browser, same storefront key: a budget of its own.
    expect((await signIn('198.51.100.23')).status).toBe(401);
  });

  it('gives each shopper session its own budget on /v1/me, kept across a token refresh', async () => {
    const ADMIN = 'admin-limits-key-0123456789';
    const STOREFRONT = 'storefront-limits-key-0123456789';
    const gw = buildGateway('memory', {
      BACKENDS: 'memory',
      API_KEYS: `admin:${ADMIN},storefront:${STOREFRONT}`,
      CALLER_RATE_LIMIT: '3/600',
    });
    const password = 'Str0ng!Passw0rd';
    const login = async (name: string) => {
      expect(
        (await gw.call('POST', '/v1/customers', { email: `${name}@example.com`, lastName: name, password }, as(ADMIN)))
          .status,
      ).toBe(201);
      const session = await gw.call(
        'POST',
        '/v1/auth/login',
        { email: `${name}@example.com`, password },
        { 'x-api-key': STOREFRONT },
      );
      expect(session.status, JSON.stringify(session.body)).toBe(200);
      return session.body as { accessToken: string; refreshToken: string };
    };
    const me = (token: string) =>
      gw.call('GET', '/v1/me', undefined, { 'x-api-key': STOREFRONT, authorization: `Bearer ${token}` });
    const anna = await login('limits-anna');
    const bert = await login('limits-bert');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await me(anna.accessToken)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another shopper of the same storefront key is not affected.
    expect((await me(bert.accessToken)).status).toBe(200);
    // A fresh access token of the same session does not refill the budget.
    const refreshed = await gw.call(
      'POST',
      '/v1/auth/refresh',
      { refreshToken: anna.refreshToken },
      { 'x-api-key': STOREFRONT },
    );
    expect(refreshed.status).toBe(200);
    const after = await me(refreshed.body.accessToken);
    expect(after.status).toBe(429);
    expect(after.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('is off unless configured', async () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory' });
    for (let i = 0; i < 5; i++) expect((await gw.call('GET', '/customers')).headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('upstream budgets', () => {
  it('answers 429 rate_limited itself once the platform budget is spent, before the platform has to refuse; reads and writes are separate SCAYLE scopes', async () => {
    // The embedded emulator enforces 5 per scope per 10 minutes; the gateway's budget is the same.
    const gw = buildGateway('scayle', { BACKENDS: 'scayle', EMULATOR_RATE_LIMIT: '5/600' });
    const reads = [];
    for (let i = 0; i < 8; i++) reads.push(await gw.call('GET', '/customers?limit=1'));
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    for (const refused of reads.slice(5)) {
      expect(refused.body).toMatchObject({ code: 'rate_limited' });
      expect(refused.body.upstream).toBeUndefined(); // ours, not the platform's
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(500);
      expect(retryAfter).toBeLessThanOrEqual(600);
    }
    const write = await gw.call('POST', '/customers', {
      email: `budget-${Date.now()}@example.com`,
      firstName: 'Erika',
      lastName: 'Budget',
    });
    expect(write.status).toBe(201);
  });

  it('UPSTREAM_BUDGET_<BACKEND>=off lets the platform refuse instead (its 429 is passed on)', async () => {
    const gw = buildGateway('scayle', {
      BACKENDS: 'scayle',
      EMULATOR_RATE_LIMIT: '2/600',
      UPSTREAM_BUDGET_SCAYLE: 'off',
    });
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await gw.call('GET', '/customers?limit=1'));
    expect(reads[2]!.status).toBe(429);
    expect(reads[2]!.body.upstream).toMatchObject({ status: 429 });
  });
});
