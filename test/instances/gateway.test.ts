import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import { buildGateway } from '../conformance/harness.js';
import { asInstanceEnv } from './support.js';

/** Two shops of one platform in one gateway: each instance its own data, cursors, ETags, records. */
describe('two embedded SCAYLE instances', () => {
  const gw = buildGateway('brand-a', { BACKENDS: 'brand-a:scayle,brand-b:scayle' });
  const backdoor = (name: string) => gw.deps.emulators.get(name)!.backdoor as unknown as ScayleBackdoor;
  const at = (name: string, path: string) => `/v1/backends/${name}${path}`;

  it('GET /v1/backends lists the instances with their platform', async () => {
    const { body } = await gw.call('GET', '/v1/backends');
    expect(body.items.map((b: { name: string; platform: string }) => [b.name, b.platform])).toEqual([
      ['brand-a', 'scayle'],
      ['brand-b', 'scayle'],
    ]);
  });

  it('keeps separate data: a customer created on brand-a is stored by its emulator only', async () => {
    const email = `only-a-${Date.now()}@example.com`;
    const created = await gw.call('POST', at('brand-a', '/customers'), { email, lastName: 'Alpha' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(JSON.stringify(backdoor('brand-a').readAll())).toContain(email);
    expect(JSON.stringify(backdoor('brand-b').readAll())).not.toContain(email);
    expect((await gw.call('GET', at('brand-b', `/customers/${created.body.id}`))).status).toBe(404);
  });

  it("refuses brand-a's cursor on brand-b", async () => {
    const page = await gw.call('GET', at('brand-a', '/customers?limit=1'));
    const cursor = page.body.page.nextCursor as string;
    expect((await gw.call('GET', at('brand-a', `/customers?limit=1&cursor=${cursor}`))).status).toBe(200);
    const foreign = await gw.call('GET', at('brand-b', `/customers?limit=1&cursor=${cursor}`));
    expect(foreign.status).toBe(400);
    expect(foreign.body.detail).toContain('another backend');
  });

  it("gives the same demo customer different ETags on each shop: brand-a's tag does not match on brand-b", async () => {
    const id = (await gw.call('GET', at('brand-a', '/customers?limit=1'))).body.items[0].id;
    const onA = await gw.call('GET', at('brand-a', `/customers/${id}`));
    const onB = await gw.call('GET', at('brand-b', `/customers/${id}`));
    expect({ ...onA.body, updatedAt: 0 }).toEqual({ ...onB.body, updatedAt: 0 }); // the same seeded data
    expect(onA.headers.get('etag')).not.toBe(onB.headers.get('etag'));
    const patch = { firstName: 'Changed' };
    const crossed = await gw.call('PATCH', at('brand-b', `/customers/${id}`), patch, {
      'if-match': onA.headers.get('etag')!,
    });
    expect(crossed.status).toBe(412);
    const own = await gw.call('PATCH', at('brand-b', `/customers/${id}`), patch, {
      'if-match': onB.headers.get('etag')!,
    });
    expect(own.status).toBe(200);
  });

  it("answers a registration that converts a guest with brand-a's own ETag, the one its GET gives", async () => {
    const email = `guest-a-${Date.now()}@example.com`;
    backdoor('brand-a').seed([
      {
        email,
        lastName: 'Guest',
        status: { isActive: true, isGuestCustomer: true },
        addresses: [{ street: 'Gastweg', houseNumber: '1', zipCode: '10115', city: 'Berlin', countryCode: 'DEU' }],
      },
    ]);
    const converted = await gw.call('POST', at('brand-a', '/customers'), { email, lastName: 'Guest' });
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    const read = await gw.call('GET', at('brand-a', `/customers/${converted.body.id}`));
    expect(converted.headers.get('etag')).toBe(read.headers.get('etag'));
  });

  it('keeps Idempotency-Key records per instance: one key on both shops creates on both, a retry replays', async () => {
    const key = { 'idempotency-key': `"same-key-${Date.now()}"` };
    const body = { email: `idem-${Date.now()}@example.com`, lastName: 'Idem' };
    const onA = await gw.call('POST', at('brand-a', '/customers'), body, key);
    const onB = await gw.call('POST', at('brand-b', '/customers'), body, key);
    expect([onA.status, onB.status]).toEqual([201, 201]);
    expect(onB.headers.get('idempotent-replayed')).toBeNull();
    const retry = await gw.call('POST', at('brand-a', '/customers'), body, key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(onA.body.id);
  });
});

describe('an instance over HTTP names its own variables in upstream errors', () => {
  let served: RunningEmulator;
  beforeAll(async () => {
    served = await serveOnLoopback(createScayleEmulator().app);
  });
  afterAll(() => served.close());

  it('a wrong BRAND_A_SHOP_KEY is reported as BRAND_A_SHOP_KEY', async () => {
    const env = asInstanceEnv('brand-a', 'scayle', createScayleEmulator().connectionEnv(served.origin));
    const gw = buildGateway('brand-a', { BACKENDS: 'brand-a:scayle', ...env, BRAND_A_SHOP_KEY: 'no-such-shop' });
    const res = await gw.call('GET', '/customers');
    expect(res.status).toBe(502);
    expect(res.body.backend).toBe('brand-a');
    expect(res.body.detail).toContain('BRAND_A_SHOP_KEY');
    expect(res.body.detail).not.toContain('SCAYLE_');
  });
});

describe('API keys limited to instances, and sessions per instance', () => {
  const key = (name: string) => `${name}-key-0123456789abcdef`;
  const gw = buildGateway('a', {
    BACKENDS: 'a:memory,b:memory',
    API_KEYS: `admin@a:${key('admin-a')},storefront@a:${key('front-a')},storefront@b:${key('front-b')},admin:${key('all')}`,
    MEMORY_SEED: 'false',
  });
  const shopper = { email: 'shared@example.com', lastName: 'Shared', password: 'Str0ng!Passw0rd' };
  let session: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    for (const name of ['a', 'b'])
      expect(
        (await gw.call('POST', `/v1/backends/${name}/customers`, shopper, { 'x-api-key': key('all') })).status,
      ).toBe(201);
    const login = await gw.call(
      'POST',
      '/v1/backends/a/auth/login',
      { email: shopper.email, password: shopper.password },
      { 'x-api-key': key('front-a') },
    );
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    session = login.body;
  });

  it('an admin key limited to a reaches a only, and lists only a', async () => {
    const admin = { 'x-api-key': key('admin-a') };
    expect((await gw.call('GET', '/v1/backends/a/customers', undefined, admin)).status).toBe(200);
    const other = await gw.call('GET', '/v1/backends/b/customers', undefined, admin);
    expect(other.status).toBe(403);
    expect(other.body.detail).toContain('limited to a');
    // Not even whether a backend exists.
    expect((await gw.call('GET', '/v1/backends/nope/customers', undefined, admin)).status).toBe(403);
    const listed = await gw.call('GET', '/v1/backends', undefined, admin);
    expect(listed.body.items.map((b: { name: string }) => b.name)).toEqual(['a']);
    // The default backend (a) under /v1 too, and login on b with a's storefront key is refused.
    expect((await gw.call('GET', '/v1/customers', undefined, admin)).status).toBe(200);
    const login = await gw.call('POST', '/v1/backends/b/auth/login', shopper, { 'x-api-key': key('front-a') });
    expect(login.status).toBe(403);
  });

  it("a's access and refresh tokens are refused with b's storefront key, and work with a's", async () => {
    const me = (apiKey: string) =>
      gw.call('GET', '/v1/me', undefined, { 'x-api-key': apiKey, authorization: `Bearer ${session.accessToken}` });
    expect((await me(key('front-b'))).status).toBe(403);
    expect((await me(key('front-a'))).status).toBe(200);
    const refresh = (apiKey: string) =>
      gw.call('POST', '/v1/auth/refresh', { refreshToken: session.refreshToken }, { 'x-api-key': apiKey });
    const refused = await refresh(key('front-b'));
    expect(refused.status).toBe(403);
    // Refused without using the token up: a's storefront can still refresh with it.
    expect((await refresh(key('front-a'))).status).toBe(200);
  });

  it("b's password reset token is refused with a's storefront key, and works with b's", async () => {
    const onB = await gw.call('GET', '/v1/backends/b/customers?limit=100', undefined, { 'x-api-key': key('all') });
    const id = onB.body.items.find((c: { email: string }) => c.email === shopper.email).id as string;
    const { token } = await gw.deps.accounts.resetTokens.issue('b', id, shopper.email);
    const password = 'N3w!Passw0rd-b';
    const confirm = (apiKey: string) =>
      gw.call('POST', '/v1/auth/password-reset/confirm', { token, password }, { 'x-api-key': apiKey });
    expect((await confirm(key('front-a'))).status).toBe(403);
    // Refused without using the token up, and without setting the password.
    const login = (apiKey: string, pw: string) =>
      gw.call('POST', '/v1/backends/b/auth/login', { email: shopper.email, password: pw }, { 'x-api-key': apiKey });
    expect((await login(key('front-b'), password)).status).toBe(401);
    expect((await confirm(key('front-b'))).status).toBe(204);
    expect((await login(key('front-b'), password)).status).toBe(200);
  });
});
