import { SignJWT, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../adapters/support.js';
import { buildGateway } from '../conformance/harness.js';

const ADMIN = 'admin-key-0123456789abcdef';
const STOREFRONT = 'storefront-key-0123456789';
const SECRET = 'signing-secret-0123456789abcdefghijklmnop';
const gw = buildGateway('memory', {
  BACKENDS: 'memory,open2b',
  API_KEYS: `admin:${ADMIN},storefront:${STOREFRONT}`,
  SESSION_SIGNING_KEYS: `k1:${SECRET}`,
});
const admin = { authorization: `Bearer ${ADMIN}` };
const shopper = (token: string) => ({ 'x-api-key': STOREFRONT, authorization: `Bearer ${token}` });
const PASSWORD = 'Str0ng!Passw0rd';

const customer = (name: string) => ({
  email: `${name}@example.com`,
  lastName: name,
  password: PASSWORD,
  addresses: [
    {
      id: `${name}-home`,
      lastName: name,
      line1: `${name}straße 1`,
      city: 'Berlin',
      postalCode: '10115',
      countryCode: 'DE',
    },
  ],
  externalRef: `crm-${name}`,
});

describe('a shopper token reaches only its own customer', () => {
  let a: { id: string; accessToken: string; refreshToken: string };
  let b: { id: string };

  beforeAll(async () => {
    b = (await gw.call('POST', '/v1/customers', customer('bertha'), admin)).body;
    const created = (await gw.call('POST', '/v1/customers', customer('anna'), admin)).body;
    const session = await gw.call(
      'POST',
      '/v1/auth/login',
      { email: 'anna@example.com', password: PASSWORD },
      { 'x-api-key': STOREFRONT },
    );
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    a = { id: created.id, ...session.body };
  });

  it('/v1/me is A whatever the request names', async () => {
    for (const path of ['/v1/me', `/v1/me?customerId=${b.id}`, '/v1/me?customerId=ref:crm-bertha']) {
      const res = await gw.call('GET', path, undefined, shopper(a.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(a.id);
    }
    expect((await gw.call('GET', `/v1/me/${b.id}`, undefined, shopper(a.accessToken))).status).toBe(404);
  });

  it("B's address ids are not found in A's book, and B's data stays untouched", async () => {
    expect((await gw.call('GET', '/v1/me/addresses/bertha-home', undefined, shopper(a.accessToken))).status).toBe(404);
    expect(
      (await gw.call('PATCH', '/v1/me/addresses/bertha-home', { city: 'Gekapert' }, shopper(a.accessToken))).status,
    ).toBe(404);
    expect((await gw.call('DELETE', '/v1/me/addresses/bertha-home', undefined, shopper(a.accessToken))).status).toBe(
      404,
    );
    const patchId = await gw.call('PATCH', '/v1/me', { id: b.id, firstName: 'Mallory' }, shopper(a.accessToken));
    expect(patchId.status).toBe(400);
    const bAfter = await gw.call('GET', `/v1/customers/${b.id}?expand=addresses`, undefined, admin);
    expect(bAfter.body.firstName).toBeUndefined();
    expect(bAfter.body.addresses[0].city).toBe('Berlin');
  });

  it('neither the token nor the storefront key opens the admin routes (ids, ref:, other backends)', async () => {
    for (const path of [
      `/v1/customers/${b.id}`,
      '/v1/customers/ref:crm-bertha',
      `/v1/backends/memory/customers/${b.id}/addresses`,
      '/v1/backends/open2b/customers/101',
      '/v1/customers',
    ]) {
      expect((await gw.call('GET', path, undefined, shopper(a.accessToken))).status).toBe(403);
      expect((await gw.call('GET', path, undefined, { authorization: `Bearer ${a.accessToken}` })).status).toBe(403);
    }
  });

  it('a token signed by anyone else, or edited, is refused', async () => {
    const forged = await new SignJWT({ backend: 'memory', sid: 'x'.repeat(24) })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(b.id)
      .setIssuer('customer-gateway')
      .setAudience('customer-gateway:me')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('not-the-signing-secret-0123456789abcdef'));
    const [header, payload, signature] = a.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const edited = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: b.id })).toString('base64url')}.${signature}`;
    const otherBackend = `${header}.${Buffer.from(JSON.stringify({ ...claims, backend: 'open2b', sub: '101' })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: b.id })).toString('base64url')}.`;
    for (const token of [forged, edited, otherBackend, unsigned]) {
      const res = await gw.call('GET', '/v1/me', undefined, shopper(token));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(JSON.stringify(res.body)).not.toContain(token);
    }
    expect(decodeProtectedHeader(a.accessToken).kid).toBe('k1');
  });

  it('two shoppers behind one storefront key never share Idempotency-Key records', async () => {
    const address = { lastName: 'Same', line1: 'Gleichweg 1', city: 'Köln', postalCode: '50667', countryCode: 'DE' };
    const headers = (token: string) => ({ ...shopper(token), 'idempotency-key': '"same-key-for-both"' });
    const fromA = await gw.call('POST', '/v1/me/addresses', address, headers(a.accessToken));
    expect(fromA.status).toBe(201);
    const bSession = (
      await gw.call(
        'POST',
        '/v1/auth/login',
        { email: 'bertha@example.com', password: PASSWORD },
        { 'x-api-key': STOREFRONT },
      )
    ).body;
    const fromB = await gw.call('POST', '/v1/me/addresses', address, headers(bSession.accessToken));
    expect(fromB.status).toBe(201);
    expect(fromB.headers.get('idempotent-replayed')).toBeNull();
    const bBook = await gw.call('GET', `/v1/customers/${b.id}/addresses`, undefined, admin);
    expect(bBook.body.items.map((x: { line1: string }) => x.line1)).toContain('Gleichweg 1');
    // A's retry is still A's replay.
    const retry = await gw.call('POST', '/v1/me/addresses', address, headers(a.accessToken));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(fromA.body.id);
  });

  it('a shopper edits their profile but not what the merchant controls (active, groups, externalRef, custom)', async () => {
    const before = await gw.call('GET', `/v1/customers/${a.id}`, undefined, admin);
    for (const patch of [
      { active: false },
      { groups: ['wholesale'] },
      { externalRef: 'crm-bertha' },
      { custom: { loyaltyTier: 'gold' } },
      { firstName: 'Anna', groups: ['vip'] },
    ]) {
      const res = await gw.call('PATCH', '/v1/me', patch, shopper(a.accessToken));
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: Object.keys(patch).at(-1) }));
    }
    const after = await gw.call('GET', `/v1/customers/${a.id}`, undefined, admin);
    expect(after.body).toEqual(before.body);
    const own = await gw.call(
      'PATCH',
      '/v1/me',
      { firstName: 'Anna', phones: { mobile: '+49 30 1234567' } },
      shopper(a.accessToken),
    );
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ firstName: 'Anna', externalRef: 'crm-anna', status: { active: true } });
    // The administrator still sets them.
    expect(
      (await gw.call('PATCH', `/v1/customers/${a.id}`, { groups: ['vip'], custom: { loyaltyTier: 'gold' } }, admin))
        .body,
    ).toMatchObject({ groups: ['vip'], custom: { loyaltyTier: 'gold' } });
  });

  it('a session on another backend reaches only its own customer there', async () => {
    const res = await gw.call(
      'POST',
      '/v1/backends/open2b/auth/login',
      { email: 'giulia.rossi@example.it', password: 'giulia-2024' },
      { 'x-api-key': STOREFRONT },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const me = await gw.call('GET', '/v1/me', undefined, shopper(res.body.accessToken));
    expect(me.body).toMatchObject({ id: '101', email: 'giulia.rossi@example.it' });
    expect((await gw.call('GET', '/v1/me', undefined, shopper(a.accessToken))).body.id).toBe(a.id);
  });
});

describe('refresh tokens rotate; a replay ends the whole session; logout ends it', () => {
  const login = async () =>
    (
      await gw.call(
        'POST',
        '/v1/auth/login',
        { email: 'rota@example.com', password: PASSWORD },
        { 'x-api-key': STOREFRONT },
      )
    ).body;
  beforeAll(async () => {
    await gw.call('POST', '/v1/customers', { email: 'rota@example.com', lastName: 'Rota', password: PASSWORD }, admin);
  });
  const refresh = (refreshToken: string) =>
    gw.call('POST', '/v1/auth/refresh', { refreshToken }, { 'x-api-key': STOREFRONT });

  it('gives a new pair once per refresh token; presenting a used one revokes the family', async () => {
    const first = await login();
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.customerId).toBe(first.customerId);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);

    const replay = await refresh(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toContain('already used');
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    expect((await gw.call('GET', '/v1/me', undefined, shopper(third.body.accessToken))).status).toBe(401);
  });

  it('logout ends the session: its access and refresh tokens stop working, other sessions go on', async () => {
    const ended = await login();
    const other = await login();
    expect(
      (await gw.call('POST', '/v1/auth/logout', { refreshToken: ended.refreshToken }, { 'x-api-key': STOREFRONT }))
        .status,
    ).toBe(204);
    expect((await gw.call('GET', '/v1/me', undefined, shopper(ended.accessToken))).status).toBe(401);
    expect((await refresh(ended.refreshToken)).status).toBe(401);
    expect((await gw.call('GET', '/v1/me', undefined, shopper(other.accessToken))).status).toBe(200);
  });

  it('a password set by an administrator ends every session of the customer', async () => {
    const session = await login();
    expect(
      (await gw.call('PUT', `/v1/customers/${session.customerId}/password`, { password: PASSWORD }, admin)).status,
    ).toBe(204);
    expect((await gw.call('GET', '/v1/me', undefined, shopper(session.accessToken))).status).toBe(401);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await gw.call('GET', '/v1/me', undefined, shopper((await login()).accessToken))).status).toBe(200);
  });

  it('a customer an administrator deactivates loses every session; reactivated, they sign in again', async () => {
    const session = await login();
    const other = await login();
    const deactivated = await gw.call('PATCH', `/v1/customers/${session.customerId}`, { active: false }, admin);
    expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);
    for (const s of [session, other]) {
      expect((await gw.call('GET', '/v1/me', undefined, shopper(s.accessToken))).status).toBe(401);
      expect((await gw.call('PATCH', '/v1/me', { firstName: 'Still' }, shopper(s.accessToken))).status).toBe(401);
      expect((await refresh(s.refreshToken)).status).toBe(401);
    }
    expect((await gw.call('PATCH', `/v1/customers/${session.customerId}`, { active: true }, admin)).status).toBe(200);
    expect((await gw.call('GET', '/v1/me', undefined, shopper((await login()).accessToken))).status).toBe(200);
  });

  it('deleting a customer (by id or ref:) ends their sessions', async () => {
    for (const [name, path] of [
      ['gone-by-id', (id: string) => id],
      ['gone-by-ref', () => 'ref:crm-gone-by-ref'],
    ] as const) {
      const created = await gw.call(
        'POST',
        '/v1/customers',
        { email: `${name}@example.com`, lastName: 'Gone', password: PASSWORD, externalRef: `crm-${name}` },
        admin,
      );
      expect(created.status).toBe(201);
      const session = (
        await gw.call(
          'POST',
          '/v1/auth/login',
          { email: `${name}@example.com`, password: PASSWORD },
          { 'x-api-key': STOREFRONT },
        )
      ).body;
      expect((await gw.call('DELETE', `/v1/customers/${path(created.body.id)}`, undefined, admin)).status).toBe(204);
      const me = await gw.call('GET', '/v1/me', undefined, shopper(session.accessToken));
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('unauthorized');
      expect((await refresh(session.refreshToken)).status).toBe(401);
    }
    expect((await gw.call('DELETE', '/v1/customers/ref:crm-nobody', undefined, admin)).status).toBe(404);
  });

  it('a customer deactivated or deleted on the platform itself (not through the gateway) cannot refresh', async () => {
    // The adapter called directly: the platform changed, the gateway's routes (which end sessions) never saw it.
    const platform = gw.deps.backends.get('memory')!;
    const { ctx } = testContext();
    const deactivated = await login();
    await platform.updateCustomer({ kind: 'id', id: deactivated.customerId }, { active: false }, {}, ctx);
    const refused = await refresh(deactivated.refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('session has ended');
    expect((await gw.call('GET', '/v1/me', undefined, shopper(deactivated.accessToken))).status).toBe(401);
    await platform.updateCustomer({ kind: 'id', id: deactivated.customerId }, { active: true }, {}, ctx);

    // (The last test here that signs in: the customer is gone after it.)
    const deleted = await login();
    await platform.deleteCustomer!({ kind: 'id', id: deleted.customerId }, ctx);
    expect((await refresh(deleted.refreshToken)).status).toBe(401);
  });

  it('refuses refresh tokens it never issued', async () => {
    for (const refreshToken of ['garbage', `${'a'.repeat(24)}.0.${'b'.repeat(43)}`])
      expect((await refresh(refreshToken)).status).toBe(401);
  });
});
