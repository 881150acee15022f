import { beforeEach, describe, expect, it } from 'vitest';
import { createScapiEmulator, SCAPI_EMULATOR } from '../../../emulators/scapi/index.js';

const E = SCAPI_EMULATOR;
const ORIGIN = 'http://scapi.test';
const ADMIN = `${ORIGIN}/customer/customers/v1/organizations/${E.organizationId}/customer-lists/${E.customerListId}`;
const SHOPPER = `${ORIGIN}/customer/shopper-customers/v1/organizations/${E.organizationId}`;
const SLAS = `${ORIGIN}/shopper/auth/v1/organizations/${E.organizationId}/oauth2`;
const basic = (user: string, password: string) =>
  `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)))}`;
const form = (fields: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
});
const b64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

describe('scapi emulator on the wire', () => {
  let emulator: ReturnType<typeof createScapiEmulator>;
  let call: typeof fetch;
  const amToken = async (
    scope = `SALESFORCE_COMMERCE_API:${E.tenant} sfcc.customerlists.rw sfcc.shopper-customers.login`,
  ) => {
    const { body, ...rest } = form({ grant_type: 'client_credentials', scope });
    const res = await call(`${ORIGIN}/dwsso/oauth2/access_token`, {
      method: 'POST',
      headers: { authorization: basic(E.client.id, E.client.secret), ...rest },
      body,
    });
    return (await res.json()).access_token as string;
  };
  const admin = async (method: string, path: string, json?: unknown, token?: string) =>
    call(`${ADMIN}${path}`, {
      method,
      headers: { authorization: `Bearer ${token ?? (await amToken())}`, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });

  beforeEach(() => {
    emulator = createScapiEmulator();
    call = emulator.fetch;
  });

  it('refuses a token request without the tenant scope, and admin calls without a token, with problem documents', async () => {
    const { body, ...headers } = form({ grant_type: 'client_credentials', scope: 'sfcc.customerlists' });
    const refused = await call(`${ORIGIN}/dwsso/oauth2/access_token`, {
      method: 'POST',
      headers: { authorization: basic(E.client.id, E.client.secret), ...headers },
      body,
    });
    expect(refused.status).toBe(400);
    const anonymous = await call(`${ADMIN}/customers/00001001`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(await anonymous.json()).toMatchObject({
      title: 'Invalid Access Token',
      type: expect.stringContaining('/invalid-access-token'),
    });
    const readOnly = await amToken(`SALESFORCE_COMMERCE_API:${E.tenant} sfcc.customerlists`);
    expect((await admin('GET', '/customers/00001001', undefined, readOnly)).status).toBe(200);
    expect((await admin('DELETE', '/customers/00001001', undefined, readOnly)).status).toBe(403);
  });

  it('creates, patches, searches and deletes customers; String256 fields count bytes', async () => {
    const created = await admin('POST', '/customers', {
      customerNo: 'GW1',
      lastName: 'Neu',
      email: 'neu@example.com',
      credentials: { login: 'neu@example.com' },
      c_externalRef: 'X-1',
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      customerNo: 'GW1',
      customerId: expect.any(String),
      credentials: { login: 'neu@example.com', enabled: true },
    });
    const again = await admin('POST', '/customers', {
      customerNo: 'GW2',
      lastName: 'Neu',
      credentials: { login: 'NEU@example.com' },
    });
    expect(await again.json()).toMatchObject({ type: expect.stringContaining('/login-already-in-use') });
    const tooLong = await admin('PATCH', '/customers/GW1', { customerNo: 'GW1', lastName: 'é'.repeat(129) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ property: 'lastName' });
    expect(
      (await admin('PATCH', '/customers/GW1', { customerNo: 'GW1', lastName: 'é'.repeat(128), firstName: 'Ana' }))
        .status,
    ).toBe(200);
    const found = await admin('POST', '/customer-search', {
      query: { termQuery: { fields: ['c_externalRef'], operator: 'is', values: ['X-1'] } },
      limit: 5,
    });
    expect(await found.json()).toMatchObject({ total: 1, hits: [{ data: { customerNo: 'GW1', firstName: 'Ana' } }] });
    const window = await admin('POST', '/customer-search', { query: { matchAllQuery: {} }, limit: 200, offset: 9900 });
    expect(window.status).toBe(400);
    expect((await admin('DELETE', '/customers/GW1')).status).toBe(204);
    expect((await admin('GET', '/customers/GW1')).status).toBe(404);
  });

  it('gives addresses a new ETag on every write and makes one the primary address', async () => {
    const first = await (
      await admin('POST', '/customers/00001004/addresses', {
        addressId: 'a',
        lastName: 'Taylor',
        countryCode: 'US',
        city: 'Boston',
      })
    ).json();
    const patched = await (
      await admin('PATCH', '/customers/00001004/addresses/a', {
        addressId: 'a',
        lastName: 'Taylor',
        countryCode: 'US',
        city: 'Salem',
      })
    ).json();
    expect(patched.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(patched.etag).not.toBe(first.etag);
    await admin('PATCH', '/customers/00001004', {
      customerNo: '00001004',
      lastName: 'Taylor',
      primaryAddress: { addressId: 'a', lastName: 'Taylor', countryCode: 'US' },
    });
    expect(emulator.backdoor.readCustomer('00001004')).toMatchObject({
      primaryAddress: { addressId: 'a', city: 'Salem' },
    });
    const list = await (await admin('GET', '/customers/00001004/addresses?limit=51')).json();
    expect(list).toMatchObject({ type: expect.stringContaining('invalid-query-parameter') });
  });

  it('logs a shopper in with PKCE, refreshes, changes the password and logs out', async () => {
    const verifier = 'v'.repeat(20) + crypto.randomUUID();
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const loginFields = {
      client_id: E.client.id,
      channel_id: E.siteId,
      redirect_uri: E.redirectUri,
      code_challenge: challenge,
    };
    const wrong = await call(`${SLAS}/login`, {
      method: 'POST',
      headers: { authorization: basic('wei.leung@example.com', 'nope'), ...form(loginFields) },
      body: form(loginFields).body,
    });
    expect(wrong.status).toBe(401);
    const login = await call(`${SLAS}/login`, {
      method: 'POST',
      headers: { authorization: basic('wei.leung@example.com', 'Demo!Passw0rd'), ...form(loginFields) },
      body: form(loginFields).body,
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const location = new URL(login.headers.get('location')!);
    const code = location.searchParams.get('code')!;
    const tokenFields = {
      grant_type: 'authorization_code_pkce',
      code,
      code_verifier: 'x'.repeat(43),
      redirect_uri: E.redirectUri,
      channel_id: E.siteId,
      client_id: E.client.id,
    };
    expect(
      (await call(`${SLAS}/token`, { method: 'POST', headers: form(tokenFields), body: form(tokenFields).body }))
        .status,
    ).toBe(400);
    const login2 = await call(`${SLAS}/login`, {
      method: 'POST',
      headers: { authorization: basic('wei.leung@example.com', 'Demo!Passw0rd'), ...form(loginFields) },
      body: form(loginFields).body,
      redirect: 'manual',
    });
    const good = {
      ...tokenFields,
      code: new URL(login2.headers.get('location')!).searchParams.get('code')!,
      code_verifier: verifier,
    };
    const tokens = await (
      await call(`${SLAS}/token`, { method: 'POST', headers: form(good), body: form(good).body })
    ).json();
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      customer_id: expect.any(String),
      refresh_token: expect.any(String),
    });
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: E.client.id,
      channel_id: E.siteId,
    };
    const refreshed = await (
      await call(`${SLAS}/token`, { method: 'POST', headers: form(refresh), body: form(refresh).body })
    ).json();
    expect(refreshed.customer_id).toBe(tokens.customer_id);
    const bearer = { authorization: `Bearer ${refreshed.access_token}`, 'content-type': 'application/json' };
    const me = await (
      await call(`${SHOPPER}/customers/${tokens.customer_id}?siteId=${E.siteId}`, { headers: bearer })
    ).json();
    expect(me).toMatchObject({ customerNo: '00001001', login: 'wei.leung@example.com', authType: 'registered' });
    const changed = await call(`${SHOPPER}/customers/${tokens.customer_id}/password?siteId=${E.siteId}`, {
      method: 'PUT',
      headers: bearer,
      body: JSON.stringify({ currentPassword: 'Demo!Passw0rd', password: 'N3w-Passw0rd!' }),
    });
    expect(changed.status).toBe(204);
    expect(emulator.backdoor.readPassword('00001001')).toBe('N3w-Passw0rd!');
    const out = await call(
      `${SLAS}/logout?client_id=${E.client.id}&channel_id=${E.siteId}&refresh_token=${refreshed.refresh_token}`,
      { headers: bearer },
    );
    expect(out.status).toBe(200);
    expect(
      (await call(`${SHOPPER}/customers/${tokens.customer_id}?siteId=${E.siteId}`, { headers: bearer })).status,
    ).toBe(401);
  });

  it('registers with a guest token and resets a password with the Account Manager token', async () => {
    const guest = { grant_type: 'client_credentials', channel_id: E.siteId };
    const token = await (
      await call(`${SLAS}/token`, {
        method: 'POST',
        headers: { authorization: basic(E.client.id, E.client.secret), ...form(guest) },
        body: form(guest).body,
      })
    ).json();
    const registered = await call(`${SHOPPER}/customers?siteId=${E.siteId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: { login: 'reg@example.com', email: 'reg@example.com', lastName: 'Reg' },
        password: 'Reg!stered1',
      }),
    });
    const customer = await registered.json();
    expect(customer).toMatchObject({ customerNo: expect.stringMatching(/^\d{8}$/), hasPassword: true });
    const am = { authorization: `Bearer ${await amToken()}`, 'content-type': 'application/json' };
    const reset = await (
      await call(`${SHOPPER}/customers/password/actions/create-reset-token?siteId=${E.siteId}`, {
        method: 'POST',
        headers: am,
        body: JSON.stringify({ login: 'reg@example.com' }),
      })
    ).json();
    const done = await call(`${SHOPPER}/customers/password/actions/reset?siteId=${E.siteId}`, {
      method: 'POST',
      headers: am,
      body: JSON.stringify({ login: 'reg@example.com', resetToken: reset.resetToken, newPassword: 'Res3t-Passw0rd' }),
    });
    expect(done.status).toBe(204);
    expect(emulator.backdoor.readPassword(customer.customerNo)).toBe('Res3t-Passw0rd');
  });

  it('sheds load with a 503 carrying sfdc_load headers, and rate limits with 429 + Retry-After', async () => {
    emulator.faults.inject({ status: 503, times: 1 });
    const shed = await admin('GET', '/customers/00001001', undefined, 'irrelevant');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('sfdc_load_status')).toBe('THROTTLE');
    const healthy = await admin('GET', '/customers/00001001');
    expect(healthy.headers.get('sfdc_load')).toMatch(/^\d+$/);
    emulator.faults.inject({ rateLimitSeconds: 7, times: 1 });
    const limited = await admin('GET', '/customers/00001001', undefined, 'irrelevant');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
  });

  it('enforces EMULATOR_RATE_LIMIT with 429 problems and Retry-After', async () => {
    emulator = createScapiEmulator({ rateLimit: { limit: 2, windowSeconds: 60 } });
    call = emulator.fetch;
    const token = await amToken();
    expect((await admin('GET', '/customers/00001001', undefined, token)).headers.get('sfdc_load')).toBe('100');
    const limited = await admin('GET', '/customers/00001001', undefined, token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ type: expect.stringContaining('/too-many-requests') });
    emulator.backdoor.reset();
    // The backdoor reset restarts the window (tokens issued before it stay valid).
    expect((await admin('GET', '/customers/00001001', undefined, token)).status).toBe(200);
  });
});
