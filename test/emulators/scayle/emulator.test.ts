import { beforeEach, describe, expect, it } from 'vitest';
import { createScayleEmulator, SCAYLE_EMULATOR_TOKEN } from '../../../emulators/scayle/index.js';

const BASE = 'http://scayle.test/api/admin/v1/shops/demo/countries/DE/customers';
const auth = { 'x-access-token': SCAYLE_EMULATOR_TOKEN, 'content-type': 'application/json' };

function setup(options: Parameters<typeof createScayleEmulator>[0] = {}) {
  const emulator = createScayleEmulator(options);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
    const res = await emulator.fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { emulator, call };
}

const address = {
  street: 'Hauptstraße',
  houseNumber: '5',
  zipCode: '10115',
  city: 'Berlin',
  countryCode: 'DEU',
  recipient: { firstName: 'Jane', lastName: 'Roe' },
  isDefault: { billing: true, shipping: true },
};

describe('SCAYLE emulator: auth and errors', () => {
  it('answers 401 with an errors body when the token is missing or wrong', async () => {
    const { call } = setup();
    for (const headers of [{}, { 'x-access-token': 'wrong' }] as Record<string, string>[]) {
      const res = await call('GET', '', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body.errors[0]).toMatchObject({
        errorKey: expect.any(String),
        message: expect.any(String),
        context: {},
      });
    }
  });

  it('rejects an unknown shop and accepts the country as alpha-2 or alpha-3', async () => {
    const { emulator } = setup();
    const get = (url: string) => emulator.fetch(url, { headers: auth });
    expect((await get('http://x/api/admin/v1/shops/other/countries/DE/customers')).status).toBe(404);
    expect((await get('http://x/api/admin/v1/shops/demo/countries/DEU/customers')).status).toBe(200);
    expect((await get('http://x/api/admin/v1/shops/demo/countries/DE/customers')).status).toBe(200);
  });

  it('names each bad field in context.field with a 400', async () => {
    const { call } = setup();
    const res = await call('POST', '', { email: 'not-an-email', gender: 'x', nickname: 'n' });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { context: { field: string } }) => e.context.field).sort();
    expect(fields).toEqual(['email', 'gender', 'nickname']);
  });
});

describe('SCAYLE emulator: customers', () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    s = setup({ seed: false });
  });

  it('creates (201), reads by id and by key%3D<ref>, and includes nested resources only with `with`', async () => {
    const created = await s.call('POST', '', {
      email: 'jane@example.com',
      firstName: 'Jane',
      referenceKey: 'ext-1',
      legacyCustomData: { a: 1 },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(typeof id).toBe('number');
    const plain = await s.call('GET', `/${id}`);
    expect(plain.body).not.toHaveProperty('addresses');
    expect(plain.body).not.toHaveProperty('legacyCustomData');
    const byKey = await s.call('GET', `/key%3Dext-1?with=addresses,legacyCustomData`);
    expect(byKey.body).toMatchObject({ id, email: 'jane@example.com', addresses: [], legacyCustomData: { a: 1 } });
  });

  it('answers an empty legacyCustomData as [] like PHP does', async () => {
    const { body } = await s.call('POST', '', { email: 'a@example.com' });
    expect((await s.call('GET', `/${body.id}?with=legacyCustomData`)).body.legacyCustomData).toEqual([]);
  });

  it('refuses a second customer with the same email (409, context.field email)', async () => {
    await s.call('POST', '', { email: 'dup@example.com' });
    const res = await s.call('POST', '', { email: 'DUP@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.errors[0].context).toEqual({ field: 'email' });
  });

  it('patches, sets reference key, status, groups, custom data, password and deletes', async () => {
    const { body } = await s.call('POST', '', { email: 'p@example.com', firstName: 'P', title: 'Dr.' });
    const id = body.id as number;
    expect((await s.call('PATCH', `/${id}`, { lastName: 'Q', title: null })).status).toBe(200);
    expect((await s.call('PATCH', `/${id}`, { referenceKey: 'nope' })).status).toBe(400);
    expect((await s.call('PUT', `/${id}/reference-key`, { referenceKey: 'r-1' })).body.referenceKey).toBe('r-1');
    expect((await s.call('PUT', `/key%3Dr-1/status`, { isActive: false, isGuestCustomer: false })).body.isActive).toBe(
      false,
    );
    await s.call('POST', `/${id}/customer-groups`, { groups: ['vip', 'b2b'] });
    expect((await s.call('DELETE', `/${id}/customer-groups/b2b`)).status).toBe(204);
    await s.call('PUT', `/${id}/legacy-custom-data`, { origin: 'shop' });
    expect((await s.call('PUT', `/${id}/password`, { password: 'secret-pass', hashingType: 'internal' })).status).toBe(
      204,
    );
    const stored = s.emulator.backdoor.readCustomer(id)!;
    expect(stored).toMatchObject({
      lastName: 'Q',
      title: null,
      referenceKey: 'r-1',
      status: { isActive: false },
      groups: ['vip'],
      legacyCustomData: { origin: 'shop' },
      hasPassword: true,
    });
    expect(await s.emulator.backdoor.checkPassword(id, 'secret-pass')).toBe(true);
    expect((await s.call('PUT', `/${id}/password-hash`, { hash: '$2y$12$abc', hashingType: 'external' })).status).toBe(
      204,
    );
    expect(s.emulator.backdoor.readCredential(id)).toMatchObject({
      hashingType: 'external',
      hash: '$2y$12$abc',
      source: 'password-hash',
    });
    expect((await s.call('DELETE', `/${id}`)).status).toBe(204);
    expect((await s.call('GET', `/${id}`)).status).toBe(404);
  });

  it("DELETE anonymises the customer into SCAYLE's deletion queue, and is refused (409, nothing changed) while it has ongoing orders", async () => {
    const s = setup({ seed: false });
    const [kept, gone] = s.emulator.backdoor.seed(
      ['kept', 'gone'].map((name) => ({ email: `${name}@example.com`, lastName: name, addresses: [address] })),
    );
    s.emulator.backdoor.setOngoingOrders(gone!.id, 2);
    const refused = await s.call('DELETE', `/${gone!.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].errorKey).toBe('CUSTOMER_HAS_ONGOING_ORDERS');
    expect(s.emulator.backdoor.readCustomer(gone!.id)).toEqual(gone);
    expect((await s.call('POST', `/${gone!.id}/anonymize`)).status).toBe(409);

    s.emulator.backdoor.setOngoingOrders(gone!.id, 0);
    expect((await s.call('DELETE', `/${gone!.id}`)).status).toBe(204);
    expect((await s.call('GET', `/${gone!.id}`)).status).toBe(404);
    const queued = s.emulator.backdoor.readDeleted(gone!.id)!;
    expect(queued).toMatchObject({ id: gone!.id, lastName: 'anonymized', phone: null });
    expect(JSON.stringify(queued)).not.toMatch(/gone@example|Hauptstraße|Roe/);
    expect(s.emulator.backdoor.readCustomer(kept!.id)).toEqual(kept);
    // The email is free again.
    expect((await s.call('POST', '', { email: 'gone@example.com' })).status).toBe(201);
  });

  it('pages with limit and cursor and filters by documented filters', async () => {
    for (let i = 1; i <= 5; i++) await s.call('POST', '', { email: `c${i}@example.com`, referenceKey: `k${i}` });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entities: { id: number }[]; cursor: { next: string | null } } } = await s.call(
        'GET',
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.body.entities.map((e) => e.id));
      cursor = page.body.cursor.next;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(
      (await s.call('GET', '?filters[referenceKey]=k2,k4')).body.entities.map((e: { id: number }) => e.id),
    ).toEqual([2, 4]);
    expect(
      (await s.call('GET', '?filters[minId]=4&sortDir=desc')).body.entities.map((e: { id: number }) => e.id),
    ).toEqual([5, 4]);
    expect(
      (await s.call('GET', '?sort=lastLoginDate&sortDir=desc&limit=2')).body.entities.map((e: { id: number }) => e.id),
    ).toEqual([5, 4]);
    expect((await s.call('GET', '?sort=nickname')).status).toBe(400);
    expect((await s.call('GET', '?limit=1001')).status).toBe(400);
    expect((await s.call('GET', '?cursor=garbage')).status).toBe(400);
  });
});

describe('SCAYLE emulator: addresses', () => {
  it('creates, lists (entities, no cursor), reads by key, patches; has no DELETE', async () => {
    const s = setup({ seed: false });
    const { body: customer } = await s.call('POST', '', { email: 'a@example.com' });
    const created = await s.call('POST', `/${customer.id}/addresses`, { ...address, referenceKey: 'home' });
    expect(created.status).toBe(201);
    const second = await s.call('POST', `/${customer.id}/addresses`, { ...address, referenceKey: 'work' });
    expect(s.emulator.backdoor.readCustomer(customer.id)!.addresses[0]!.isDefault).toEqual({
      billing: false,
      shipping: false,
    });
    const list = await s.call('GET', `/${customer.id}/addresses`);
    expect(list.body).toEqual({ entities: expect.any(Array) });
    expect(list.body.entities).toHaveLength(2);
    expect((await s.call('GET', `/${customer.id}/addresses/key%3Dwork`)).body.id).toBe(second.body.id);
    // Address answers carry the read-only shop country (alpha-2, as in SCAYLE's SDK fixtures) and type.
    expect(created.body).toMatchObject({ type: 'shipping', shopCountry: { shopKey: 'demo', countryCode: 'DE' } });
    expect(list.body.entities[0].shopCountry.countryCode).toBe('DE');
    expect(s.emulator.backdoor.readCustomer(customer.id)!.addresses[0]).not.toHaveProperty('shopCountry');
    const patched = await s.call('PATCH', `/${customer.id}/addresses/${created.body.id}`, {
      houseNumber: null,
      city: 'Potsdam',
    });
    expect(patched.body).toMatchObject({ houseNumber: null, city: 'Potsdam', street: 'Hauptstraße' });
    expect((await s.call('POST', `/${customer.id}/addresses`, { ...address, referenceKey: 'home' })).status).toBe(409);
    expect(
      (await s.call('POST', `/${customer.id}/addresses`, { ...address, countryCode: 'DE' })).body.errors[0].context
        .field,
    ).toBe('countryCode');
    const deleted = await s.call('DELETE', `/${customer.id}/addresses/${created.body.id}`);
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, PATCH');
    expect((await s.call('POST', `/${customer.id}/addresses/${created.body.id}/anonymize`)).status).toBe(204);
  });
});

describe('SCAYLE emulator: address country filters', () => {
  it('filters customers by the country of their default billing or shipping address', async () => {
    const { call } = setup();
    const ids = async (query: string) => (await call('GET', query)).body.entities.map((e: { id: number }) => e.id);
    expect(await ids('?filters[billingAddressCountryCode]=AUT')).toEqual([2]);
    expect(await ids('?filters[shippingAddressCountryCode]=GB')).toEqual([3]);
    expect(await ids('?filters[billingAddressCountryCode]=FRA')).toEqual([]);
    expect((await call('GET', '?filters[billingAddressCountryCode]=Austria')).status).toBe(400);
  });
});

describe('SCAYLE emulator: rate limits and faults', () => {
  it('is unlimited and silent about budgets unless a rateLimit is set', async () => {
    const { call } = setup();
    const res = await call('GET', '');
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('counts customersRead and customersWrite separately and answers 429 RATE_LIMIT_EXCEED', async () => {
    const { call } = setup({ seed: false, rateLimit: { limit: 2, windowSeconds: 60 } });
    const first = await call('GET', '');
    expect(first.headers.get('x-ratelimit-scope')).toBe('customersRead');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    await call('GET', '');
    const limited = await call('GET', '');
    expect(limited.status).toBe(429);
    expect(limited.body.errors[0].errorKey).toBe('RATE_LIMIT_EXCEED');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    const write = await call('POST', '', { email: 'w@example.com' });
    expect(write.status).toBe(201);
    expect(write.headers.get('x-ratelimit-scope')).toBe('customersWrite');
  });

  it('injects errors and 429s in SCAYLE wording', async () => {
    const { emulator, call } = setup();
    emulator.faults.inject({ status: 503, times: 1 });
    const failed = await call('GET', '');
    expect(failed.status).toBe(503);
    expect(failed.body.errors[0].errorKey).toBe('SERVICE_UNAVAILABLE');
    emulator.faults.inject({ rateLimitSeconds: 7, times: 1 });
    const limited = await call('GET', '');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-reset')).toBe('7');
    expect((await call('GET', '')).status).toBe(200);
  });

  it('seeds demo customers and resets to them', async () => {
    const { emulator, call } = setup();
    const seeded = emulator.backdoor.readAll().length;
    expect(seeded).toBeGreaterThanOrEqual(3);
    expect(emulator.backdoor.checkPassword(1, 'demo-password-1')).toBe(true);
    expect(emulator.backdoor.readCredential(1)!.hash).not.toContain('demo-password-1');
    await call('POST', '', { email: 'extra@example.com' });
    emulator.backdoor.reset();
    expect(emulator.backdoor.readAll()).toHaveLength(seeded);
  });
});
