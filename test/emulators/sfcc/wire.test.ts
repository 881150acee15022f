import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSfccEmulator,
  SFCC_DATA_PATH,
  SFCC_EMULATOR_CLIENT,
  SFCC_OAUTH_PATH,
  SFCC_SHOP_PATH,
} from '../../../emulators/sfcc/index.js';

const ORIGIN = 'http://sfcc.emulator';
const CLIENT = SFCC_EMULATOR_CLIENT.id;
const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

function harness(seed = false) {
  const emulator = createSfccEmulator({ seed });
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; base?: string } = {},
  ) => {
    const headers: Record<string, string> = {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    };
    const response = await emulator.fetch(`${ORIGIN}${options.base ?? SFCC_SHOP_PATH}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const token = async (secret = SFCC_EMULATOR_CLIENT.secret, grant = 'client_credentials') => {
    const response = await emulator.fetch(`${ORIGIN}${SFCC_OAUTH_PATH}`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT, secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${grant}`,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  let oauth: Record<string, string> = {};
  const as = () => oauth;
  const init = async () => {
    oauth = { authorization: `Bearer ${(await token()).body.access_token as string}`, 'x-dw-client-id': CLIENT };
  };
  const register = async (login: string, password?: string) => {
    if (password === undefined)
      return call('POST', '/customers', {
        headers: as(),
        body: { customer: { login, email: `${login}@example.com`, last_name: 'Roe' } },
      });
    const guest = await call('POST', '/customers/auth', {
      headers: { 'x-dw-client-id': CLIENT },
      body: { type: 'guest' },
    });
    return call('POST', '/customers', {
      headers: { authorization: guest.headers.get('authorization')!, 'x-dw-client-id': CLIENT },
      body: { password, customer: { login, email: `${login}@example.com`, last_name: 'Roe' } },
    });
  };
  return { emulator, call, token, init, as, register };
}

let h: ReturnType<typeof harness>;
beforeEach(async () => {
  h = harness();
  await h.init();
});

describe('sfcc emulator: Account Manager and access rules', () => {
  it('issues client-credentials tokens; refuses wrong secrets and grants the OAuth way', async () => {
    expect((await h.token()).body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 1799,
      access_token: expect.any(String),
    });
    expect(await h.token('wrong')).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
    expect((await h.token(undefined, 'password')).status).toBe(400);
  });

  it('refuses calls without client id, with an unknown one, without or with an expired token', async () => {
    const fault = (r: { status: number; body: any }) => [r.status, r.body.fault.type];
    expect(fault(await h.call('GET', '/customers/x', { headers: { authorization: h.as().authorization! } }))).toEqual([
      400,
      'MissingClientIdException',
    ]);
    expect(
      fault(await h.call('GET', '/customers/x?client_id=nope', { headers: { authorization: h.as().authorization! } })),
    ).toEqual([401, 'InvalidClientIdException']);
    expect(fault(await h.call('GET', `/customers/x?client_id=${CLIENT}`))).toEqual([
      401,
      'InvalidAccessTokenException',
    ]);
    h.emulator.backdoor.expireAccessTokens();
    const expired = await h.call('GET', '/customers/x', { headers: h.as() });
    expect(expired.body).toEqual({
      _v: '20.4',
      fault: { type: 'ExpiredTokenException', message: 'The provided token has expired.' },
    });
  });
});

describe('sfcc emulator: shopper auth and registration', () => {
  it('guest, credentials (Basic), refresh and invalidation; tokens in the Authorization header', async () => {
    await h.register('ann', 'Str0ng!Passw0rd');
    const headers = { 'x-dw-client-id': CLIENT };
    const guest = await h.call('POST', '/customers/auth', { headers, body: { type: 'guest' } });
    expect(guest).toMatchObject({ status: 200, body: { auth_type: 'guest', customer_id: expect.any(String) } });
    expect(guest.headers.get('authorization')).toMatch(/^Bearer /);
    expect((await h.call('POST', '/customers/auth', { headers, body: { type: 'credentials' } })).body.fault.type).toBe(
      'AuthorizationBasicMissingException',
    );
    const wrong = await h.call('POST', '/customers/auth', {
      headers: { ...headers, authorization: basic('ann', 'nope') },
      body: { type: 'credentials' },
    });
    expect([wrong.status, wrong.body.fault.type]).toEqual([401, 'AuthenticationFailedException']);
    const login = await h.call('POST', '/customers/auth', {
      headers: { ...headers, authorization: basic('ann', 'Str0ng!Passw0rd') },
      body: { type: 'credentials' },
    });
    expect(login.body).toMatchObject({ auth_type: 'registered', login: 'ann' });
    const jwt = login.headers.get('authorization')!;
    const refreshed = await h.call('POST', '/customers/auth', {
      headers: { ...headers, authorization: jwt },
      body: { type: 'refresh' },
    });
    const fresh = refreshed.headers.get('authorization')!;
    expect(fresh).not.toBe(jwt);
    expect(
      (await h.call('GET', `/customers/${login.body.customer_id}`, { headers: { ...headers, authorization: fresh } }))
        .status,
    ).toBe(200);
    expect((await h.call('DELETE', '/customers/auth', { headers: { ...headers, authorization: fresh } })).status).toBe(
      204,
    );
    expect(
      (await h.call('GET', `/customers/${login.body.customer_id}`, { headers: { ...headers, authorization: fresh } }))
        .status,
    ).toBe(401);
  });

  it('registration rules: OAuth without password, JWT with; required fields; unique login; only the basics stored', async () => {
    const withPassword = await h.call('POST', '/customers', {
      headers: h.as(),
      body: { password: 'Str0ng!Passw0rd', customer: { login: 'a', email: 'a@example.com', last_name: 'A' } },
    });
    expect(withPassword.body.fault.type).toBe('InvalidPasswordException');
    const guest = await h.call('POST', '/customers/auth', {
      headers: { 'x-dw-client-id': CLIENT },
      body: { type: 'guest' },
    });
    const jwtHeaders = { authorization: guest.headers.get('authorization')!, 'x-dw-client-id': CLIENT };
    expect(
      (
        await h.call('POST', '/customers', {
          headers: jwtHeaders,
          body: { customer: { login: 'a', email: 'a@example.com', last_name: 'A' } },
        })
      ).body.fault.type,
    ).toBe('MissingPasswordException');
    const missing = async (customer: Record<string, unknown>) =>
      (await h.call('POST', '/customers', { headers: h.as(), body: { customer } })).body.fault.type;
    expect(await missing({ login: 'a', last_name: 'A' })).toBe('MissingEmailException');
    expect(await missing({ login: 'a', email: 'a@example.com' })).toBe('MissingLastNameException');
    expect(await missing({ email: 'a@example.com', last_name: 'A' })).toBe('MissingLoginException');
    expect(await missing({ login: 'a', email: 'not-an-email', last_name: 'A' })).toBe('InvalidEmailException');
    const ok = await h.call('POST', '/customers', {
      headers: h.as(),
      body: { customer: { login: 'a', email: 'a@example.com', last_name: 'A', first_name: 'Ignored' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      _type: 'customer',
      auth_type: 'registered',
      login: 'a',
      customer_no: expect.any(String),
    });
    expect(ok.body.customer_id.length).toBeLessThanOrEqual(28);
    expect(ok.body).not.toHaveProperty('first_name');
    expect(ok.headers.get('etag')).toMatch(/^[0-9a-f]{64}$/);
    const again = await h.call('POST', '/customers', {
      headers: h.as(),
      body: { customer: { login: 'A', email: 'b@example.com', last_name: 'B' } },
    });
    expect([again.status, again.body.fault.type]).toEqual([400, 'LoginAlreadyInUseException']);
  });

  it('a shopper JWT reaches its own customer only', async () => {
    const a = (await h.register('ann', 'Str0ng!Passw0rd')).body.customer_id;
    const b = (await h.register('bob', 'Str0ng!Passw0rd')).body.customer_id;
    const login = await h.call('POST', '/customers/auth', {
      headers: { 'x-dw-client-id': CLIENT, authorization: basic('ann', 'Str0ng!Passw0rd') },
      body: { type: 'credentials' },
    });
    const jwt = { authorization: login.headers.get('authorization')!, 'x-dw-client-id': CLIENT };
    expect((await h.call('GET', `/customers/${a}`, { headers: jwt })).status).toBe(200);
    const other = await h.call('GET', `/customers/${b}`, { headers: jwt });
    expect([other.status, other.body.fault.type]).toEqual([400, 'InvalidCustomerException']);
  });
});

describe('sfcc emulator: customer documents', () => {
  it('GET/PATCH with ETag and If-Match; unknown and read-only properties refused; "" clears; c_* kept', async () => {
    const id = (await h.register('ann')).body.customer_id;
    const read = await h.call('GET', `/customers/${id}`, { headers: h.as() });
    const etag = read.headers.get('etag')!;
    const patched = await h.call('PATCH', `/customers/${id}`, {
      headers: { ...h.as(), 'if-match': etag },
      body: { first_name: 'Ann', c_origin: 'x', gender: 2, login: 'ignored' },
    });
    expect(patched.body).toMatchObject({ first_name: 'Ann', c_origin: 'x', gender: 2, login: 'ann' });
    expect(patched.headers.get('etag')).not.toBe(etag);
    const stale = await h.call('PATCH', `/customers/${id}`, {
      headers: { ...h.as(), 'if-match': etag },
      body: { first_name: 'Lost' },
    });
    expect(stale.status).toBe(412);
    expect(
      (await h.call('PATCH', `/customers/${id}`, { headers: h.as(), body: { favourite: 1 } })).body.fault.type,
    ).toBe('UnknownPropertyException');
    expect(
      (await h.call('PATCH', `/customers/${id}`, { headers: h.as(), body: { customer_id: 'x' } })).body.fault.type,
    ).toBe('ReadOnlyPropertyException');
    expect(
      (await h.call('PATCH', `/customers/${id}`, { headers: h.as(), body: { phone_home: '1'.repeat(33) } })).status,
    ).toBe(400);
    expect((await h.call('PATCH', `/customers/${id}`, { headers: h.as(), body: { gender: 3 } })).status).toBe(400);
    await h.call('PATCH', `/customers/${id}`, { headers: h.as(), body: { first_name: '', c_origin: null } });
    expect(h.emulator.backdoor.readCustomer(id)).not.toHaveProperty('first_name');
    expect(h.emulator.backdoor.readCustomer(id)).not.toHaveProperty('c_origin');
    const deleted = await h.call('DELETE', `/customers/${id}`, { headers: h.as() });
    expect([deleted.status, deleted.body.fault.type]).toEqual([405, 'MethodNotAllowedException']);
    const missing = await h.call('GET', '/customers/nobody', { headers: h.as() });
    expect(missing).toMatchObject({
      status: 404,
      body: { fault: { type: 'CustomerNotFoundException', arguments: { customerId: 'nobody' } } },
    });
  });

  it('password change needs the shopper JWT and the current password', async () => {
    const id = (await h.register('ann', 'Str0ng!Passw0rd')).body.customer_id;
    const body = { current_password: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd' };
    expect((await h.call('PUT', `/customers/${id}/password`, { headers: h.as(), body })).status).toBe(403);
    const login = await h.call('POST', '/customers/auth', {
      headers: { 'x-dw-client-id': CLIENT, authorization: basic('ann', 'Str0ng!Passw0rd') },
      body: { type: 'credentials' },
    });
    const jwt = { authorization: login.headers.get('authorization')!, 'x-dw-client-id': CLIENT };
    const wrong = await h.call('PUT', `/customers/${id}/password`, {
      headers: jwt,
      body: { ...body, current_password: 'nope' },
    });
    expect(wrong.body.fault).toMatchObject({
      type: 'HookStatusException',
      arguments: { extensionPoint: 'dw.ocapi.shop.customer.putPassword' },
    });
    expect((await h.call('PUT', `/customers/${id}/password`, { headers: jwt, body })).status).toBe(204);
    expect(h.emulator.backdoor.readPassword(id)).toBe('N3w!Passw0rd');
  });

  it('server-side reset: create_reset_token then reset', async () => {
    const id = (await h.register('ann')).body.customer_id;
    const token = await h.call('POST', '/customers/password/actions/create_reset_token', {
      headers: h.as(),
      body: { login: 'ann' },
    });
    expect(token.body).toMatchObject({
      _type: 'reset_password_token_result',
      login: 'ann',
      reset_token: expect.any(String),
    });
    const bad = await h.call('POST', '/customers/password/actions/reset', {
      headers: h.as(),
      body: { login: 'ann', reset_token: 'forged', new_password: 'N3w!Passw0rd' },
    });
    expect(bad.status).toBe(400);
    const reset = await h.call('POST', '/customers/password/actions/reset', {
      headers: h.as(),
      body: { login: 'ann', reset_token: token.body.reset_token, new_password: 'N3w!Passw0rd' },
    });
    expect(reset.status).toBe(204);
    expect(h.emulator.backdoor.readPassword(id)).toBe('N3w!Passw0rd');
  });
});

describe('sfcc emulator: address book', () => {
  const address = (name: string, extra: Record<string, unknown> = {}) => ({
    address_id: name,
    last_name: 'Roe',
    address1: 'Main 1',
    city: 'Boston',
    postal_code: '02101',
    country_code: 'US',
    ...extra,
  });

  it('lists preferred first then by id; start 0–999 and count 1–200; next/previous only when paging was asked', async () => {
    const id = (await h.register('ann')).body.customer_id;
    for (const name of ['c', 'a', 'd', 'b'])
      await h.call('POST', `/customers/${id}/addresses`, {
        headers: h.as(),
        body: address(name, { preferred: name === 'c' }),
      });
    const all = await h.call('GET', `/customers/${id}/addresses`, { headers: h.as() });
    expect(all.body).toMatchObject({ _type: 'customer_address_result', count: 4, start: 0, total: 4 });
    expect(all.body.data.map((a: { address_id: string }) => a.address_id)).toEqual(['c', 'a', 'b', 'd']);
    expect(all.body).not.toHaveProperty('next');
    const page = await h.call('GET', `/customers/${id}/addresses?start=1&count=2`, { headers: h.as() });
    expect(page.body.data.map((a: { address_id: string }) => a.address_id)).toEqual(['a', 'b']);
    expect(page.body.next).toBe(`${ORIGIN}${SFCC_SHOP_PATH}/customers/${id}/addresses?count=2&start=3`);
    expect(page.body.previous).toContain('start=0');
    for (const query of ['start=1000', 'start=-1', 'count=0', 'count=201', 'count=x']) {
      expect((await h.call('GET', `/customers/${id}/addresses?${query}`, { headers: h.as() })).status).toBe(400);
    }
  });

  it('create (duplicate name 400), get, rename (301 + Location + body), delete (204)', async () => {
    const id = (await h.register('ann')).body.customer_id;
    const created = await h.call('POST', `/customers/${id}/addresses`, { headers: h.as(), body: address('home') });
    expect(created).toMatchObject({
      status: 200,
      body: { _type: 'customer_address', address_id: 'home', preferred: false },
    });
    const dup = await h.call('POST', `/customers/${id}/addresses`, { headers: h.as(), body: address('home') });
    expect([dup.status, dup.body.fault.type]).toEqual([400, 'AddressNameAlreadyInUseException']);
    expect(
      (await h.call('POST', `/customers/${id}/addresses`, { headers: h.as(), body: address(' ') })).body.fault.type,
    ).toBe('InvalidCustomerAddressIdException');
    await h.call('POST', `/customers/${id}/addresses`, { headers: h.as(), body: address('work') });
    const clash = await h.call('PATCH', `/customers/${id}/addresses/home`, {
      headers: h.as(),
      body: { address_id: 'work' },
    });
    expect([clash.status, clash.body.fault.type]).toEqual([400, 'AddressIdAlreadyInUseException']);
    const moved = await h.call('PATCH', `/customers/${id}/addresses/home`, {
      headers: h.as(),
      body: { address_id: 'old home', city: 'Salem' },
    });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`${SFCC_SHOP_PATH}/customers/${id}/addresses/old%20home`);
    expect(moved.body).toMatchObject({ address_id: 'old home', city: 'Salem' });
    expect((await h.call('GET', `/customers/${id}/addresses/home`, { headers: h.as() })).body.fault.type).toBe(
      'NotFoundException',
    );
    expect(
      (await h.call('PATCH', `/customers/${id}/addresses/home`, { headers: h.as(), body: { city: 'x' } })).body.fault
        .type,
    ).toBe('CustomerAddressNotFoundException');
    expect((await h.call('DELETE', `/customers/${id}/addresses/old%20home`, { headers: h.as() })).status).toBe(204);
    expect(h.emulator.backdoor.readAddresses(id).map((a) => a.address_id)).toEqual(['work']);
  });

  it('maxLength counts characters as the spec does (not UTF-16 units)', async () => {
    const id = (await h.register('len')).body.customer_id;
    const astral = await h.call('POST', `/customers/${id}/addresses`, {
      headers: h.as(),
      body: { ...address('a'), address1: '𝒳'.repeat(256) },
    });
    expect(astral.status).toBe(200);
    const long = await h.call('POST', `/customers/${id}/addresses`, {
      headers: h.as(),
      body: { ...address('b'), address1: 'x'.repeat(257) },
    });
    expect([long.status, long.body.fault.arguments.property]).toEqual([400, 'address1']);
  });

  it('a hook can refuse a write (HookStatusException with its status)', async () => {
    const id = (await h.register('ann')).body.customer_id;
    h.emulator.backdoor.failHook({
      method: 'POST',
      path: '/addresses',
      extensionPoint: 'dw.ocapi.shop.customer.addresses.beforePOST',
      statusCode: 'NO',
      statusMessage: 'Nope.',
    });
    const refused = await h.call('POST', `/customers/${id}/addresses`, { headers: h.as(), body: address('home') });
    expect(refused.body.fault).toMatchObject({
      type: 'HookStatusException',
      arguments: { statusCode: 'NO', statusMessage: 'Nope.' },
    });
    expect(
      (await h.call('POST', `/customers/${id}/addresses`, { headers: h.as(), body: address('home') })).status,
    ).toBe(200);
  });
});

describe('sfcc emulator: Data API customer_search', () => {
  beforeEach(async () => {
    h = harness(true);
    await h.init();
  });
  const search = (body: unknown, headers = h.as(), list = 'SiteGenesis') =>
    h.call('POST', `/customer_lists/${list}/customer_search`, { base: SFCC_DATA_PATH, headers, body });

  it('match_all with paging (next as result_page), term_query on email, bool_query, sorted by customer_no', async () => {
    const all = await search({ query: { match_all_query: {} }, start: 0, count: 2 });
    expect(all.body).toMatchObject({
      _type: 'customer_search_result',
      count: 2,
      start: 0,
      total: 5,
      next: { _type: 'result_page', start: 2, count: 2 },
    });
    expect(all.body.hits[0].data).toMatchObject({
      customer_no: '00000001',
      credentials: { login: 'john.smith@example.com', enabled: true },
    });
    const last = await search({ query: { match_all_query: {} }, start: 4, count: 2 });
    expect(last.body).not.toHaveProperty('next');
    const email = await search({
      query: { term_query: { fields: ['email'], operator: 'is', values: ['Marie.Curie@example.fr'] } },
    });
    expect(email.body.hits.map((hit: any) => hit.data.last_name)).toEqual(['Curie']);
    const both = await search({
      query: {
        bool_query: {
          must: [
            { term_query: { fields: ['c_externalRef'], operator: 'is', values: ['CRM-1004'] } },
            { range_query: { field: 'last_modified', from: '2022-01-01T00:00:00.000Z' } },
          ],
        },
      },
    });
    expect(both.body.total).toBe(1);
  });

  it('deletes a customer by customer_no (Data API customer_lists), with an Account Manager token only', async () => {
    const no = h.emulator.backdoor.readCustomer('john.smith@example.com')!.customer_no;
    const remove = (headers = h.as(), list = 'SiteGenesis', customerNo = no) =>
      h.call('DELETE', `/customer_lists/${list}/customers/${customerNo}`, { base: SFCC_DATA_PATH, headers });
    expect((await remove({ 'x-dw-client-id': CLIENT })).status).toBe(401);
    expect((await remove(h.as(), 'Elsewhere')).body.fault.type).toBe('CustomerListNotFoundException');
    const others = h.emulator.backdoor.readAll().filter((c) => c.customer_no !== no);
    expect((await remove()).status).toBe(204);
    expect(h.emulator.backdoor.readCustomer('john.smith@example.com')).toBeUndefined();
    expect(h.emulator.backdoor.readAll()).toEqual(others);
    const again = await remove();
    expect(again.status).toBe(404);
    expect(again.body.fault.type).toBe('CustomerNotFoundException');
  });

  it('refuses shopper tokens, unknown lists, bad counts and unsupported queries', async () => {
    const guest = await h.call('POST', '/customers/auth', {
      headers: { 'x-dw-client-id': CLIENT },
      body: { type: 'guest' },
    });
    expect(
      (
        await search(
          { query: { match_all_query: {} } },
          { authorization: guest.headers.get('authorization')!, 'x-dw-client-id': CLIENT },
        )
      ).status,
    ).toBe(403);
    expect((await search({ query: { match_all_query: {} } }, h.as(), 'Other')).status).toBe(404);
    expect((await search({ query: { match_all_query: {} }, count: 201 })).status).toBe(400);
    expect((await search({ query: { nested_query: {} } })).status).toBe(400);
  });
});

describe('sfcc emulator: faults and backdoor', () => {
  it('answers injected 429s and 5xx as OCAPI fault documents', async () => {
    h.emulator.faults.inject({ rateLimitSeconds: 12, times: 1 });
    const limited = await h.call('GET', '/customers/x', { headers: h.as() });
    expect([limited.status, limited.headers.get('retry-after'), limited.body.fault.type]).toEqual([
      429,
      '12',
      'QuotaExceededException',
    ]);
    h.emulator.faults.inject({ status: 503, times: 1 });
    const down = await h.call('GET', '/customers/x', { headers: h.as() });
    expect([down.status, down.body._v, down.body.fault.type]).toEqual([503, '20.4', 'ServiceUnavailableException']);
    h.emulator.faults.inject({ drop: true, times: 1 });
    await expect(h.call('GET', '/customers/x', { headers: h.as() })).rejects.toThrow(/connection reset/);
  });

  it('enforces a request quota when configured (429 QuotaExceededException with Retry-After)', async () => {
    const limited = createSfccEmulator({ rateLimit: { limit: 2, windowSeconds: 60 } });
    const get = () =>
      limited.fetch(`${ORIGIN}${SFCC_SHOP_PATH}/customers/x`, { headers: { 'x-dw-client-id': CLIENT } });
    expect((await get()).status).toBe(401);
    expect((await get()).status).toBe(401);
    const third = await get();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    limited.backdoor.reset();
    expect((await get()).status).toBe(401);
  });

  it('seeds demo data by default and reset() restores it', async () => {
    const seeded = createSfccEmulator();
    expect(seeded.backdoor.readAll()).toHaveLength(5);
    seeded.backdoor.seed([{ customer: { login: 'x', email: 'x@example.com', last_name: 'X' } }]);
    expect(seeded.backdoor.readAll()).toHaveLength(6);
    seeded.backdoor.reset();
    expect(seeded.backdoor.readAll()).toHaveLength(5);
    expect(seeded.backdoor.readCustomer('john.smith@example.com')).toMatchObject({
      c_externalRef: 'CRM-1001',
      gender: 1,
    });
  });
});
