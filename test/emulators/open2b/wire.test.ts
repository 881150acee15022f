import { describe, expect, it } from 'vitest';
import {
  createOpen2bEmulator,
  OPEN2B_EMULATOR_KEY,
  type Open2bEmulatorOptions,
} from '../../../emulators/open2b/index.js';

const BASE = 'http://open2b.test/api/v6';

function setup(options: Open2bEmulatorOptions = { seed: false }) {
  const emulator = createOpen2bEmulator(options);
  const header = options.keyHeader ?? 'X-Key';
  const post = async (
    method: string,
    body: unknown,
    headers: Record<string, string> = { [header]: options.apiKey ?? OPEN2B_EMULATOR_KEY },
  ) => {
    const res = await emulator.fetch(`${BASE}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json, headers: res.headers };
  };
  return { emulator, post };
}

const billing = (overrides: Record<string, unknown> = {}) => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  street1: 'Via Roma 1',
  city: 'Roma',
  postalCode: '00100',
  country: 'IT',
  email: 'ada@example.it',
  ...overrides,
});
const create = (customer: Record<string, unknown> = {}) => ({
  customer: { password: { value: 'secret-1' }, billingAddress: billing(), ...customer },
});

describe('open2b emulator: the HTTP level', () => {
  it('answers only POST; anything else is a non-JSON 405', async () => {
    const { emulator } = setup();
    const res = await emulator.fetch(`${BASE}/commerce.customers.find`, { headers: { 'X-Key': OPEN2B_EMULATOR_KEY } });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toContain('text/plain');
  });

  it('refuses a missing or wrong key with a non-JSON 403, and reads the key from the configured header', async () => {
    const { post } = setup();
    for (const headers of [{}, { 'X-Key': 'wrong' }] as Record<string, string>[]) {
      const res = await post('commerce.customers.count', {}, headers);
      expect(res.status).toBe(403);
      expect(res.json).toBeUndefined();
    }
    const other = setup({ seed: false, keyHeader: 'X-Secret-Key' });
    expect((await other.post('commerce.customers.count', {}, { 'X-Key': OPEN2B_EMULATOR_KEY })).status).toBe(403);
    expect((await other.post('commerce.customers.count', {})).json).toEqual({ status: 'ok', count: 0 });
  });

  it('answers a garbled method name with a non-JSON 404 and a well-formed unknown one with InvalidValue on the method', async () => {
    const { post } = setup();
    const garbled = await post('nonsense', {});
    expect(garbled.status).toBe(404);
    expect(garbled.json).toBeUndefined();
    const lacking = await post('commerce.customers.merge', {});
    expect(lacking.status).toBe(200);
    expect(lacking.json).toMatchObject({ status: 'error', error: { field: 'method', type: 'InvalidValue' } });
  });

  it('limits calls when configured (non-JSON 429) and not otherwise', async () => {
    const limited = setup({ seed: false, rateLimit: { limit: 2, windowSeconds: 300 } });
    expect((await limited.post('commerce.customers.count', {})).status).toBe(200);
    expect((await limited.post('commerce.customers.count', {})).status).toBe(200);
    const refused = await limited.post('commerce.customers.count', {});
    expect(refused.status).toBe(429);
    expect(refused.json).toBeUndefined();
    limited.emulator.backdoor.reset();
    expect((await limited.post('commerce.customers.count', {})).status).toBe(200);

    const open = setup();
    for (let i = 0; i < 30; i++) expect((await open.post('commerce.customers.count', {})).status).toBe(200);
  });

  it('injects faults in its own wording: plain-text 5xx, 429 with Retry-After, truncated JSON', async () => {
    const { emulator, post } = setup();
    emulator.faults.inject({ status: 503, times: 1 });
    const failed = await post('commerce.customers.count', {});
    expect([failed.status, failed.json]).toEqual([503, undefined]);
    emulator.faults.inject({ rateLimitSeconds: 7, times: 1 });
    const limited = await post('commerce.customers.count', {});
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    emulator.faults.inject({ malformed: true, times: 1 });
    expect((await post('commerce.customers.count', {})).json).toBeUndefined();
    expect((await post('commerce.customers.count', {})).json).toEqual({ status: 'ok', count: 0 });
  });
});

describe('open2b emulator: commerce.customers', () => {
  it('creates a customer, stores the password encrypted and answers get with every field or the ones asked for', async () => {
    const { emulator, post } = setup();
    const created = await post('commerce.customers.create', create({ code: 'C-1' }));
    expect(created.json).toEqual({ status: 'ok', id: expect.any(Number) });
    const stored = await emulator.backdoor.readCustomer(created.json.id);
    expect(stored).toMatchObject({
      code: 'C-1',
      canLogin: true,
      hasPassword: true,
      fullName: 'Ada Lovelace',
      shippingAddress: null,
      group: 1,
    });
    expect(stored!.encryptedPassword).toHaveLength(45);
    expect(stored!.encryptedPassword).not.toContain('secret-1');
    expect(await emulator.backdoor.checkPassword(created.json.id, 'secret-1')).toBe(true);

    const all = await post('commerce.customers.get', { id: created.json.id });
    expect(Object.keys(all.json.customer)).toContain('encryptedPassword');
    const some = await post('commerce.customers.get', { id: created.json.id, fields: ['id', 'code'] });
    expect(some.json).toEqual({ status: 'ok', customer: { id: created.json.id, code: 'C-1' } });
  });

  it('answers customer: null for an unknown id', async () => {
    const { post } = setup();
    expect((await post('commerce.customers.get', { id: 424242 })).json).toEqual({ status: 'ok', customer: null });
  });

  it('writes datetimes as shop-local "YYYY-MM-DD HH:MM:SS" in its zone', async () => {
    const { emulator, post } = setup({ seed: false, now: () => new Date('2025-07-01T10:00:00Z') });
    const { json } = await post('commerce.customers.create', create());
    expect(await emulator.backdoor.readCustomer(json.id)).toMatchObject({
      creationTime: '2025-07-01 12:00:00',
      updateTime: '2025-07-01 12:00:00',
      loginTime: null,
    });
    const ny = setup({ seed: false, timezone: 'America/New_York', now: () => new Date('2025-07-01T10:00:00Z') });
    const other = await ny.post('commerce.customers.create', create());
    expect((await ny.emulator.backdoor.readCustomer(other.json.id))!.creationTime).toBe('2025-07-01 06:00:00');
  });

  it('answers errors as HTTP 200 {status:"error"} with field and type, and stores nothing', async () => {
    const { emulator, post } = setup();
    const cases: [unknown, { field: string; type: string }][] = [
      [
        { customer: { billingAddress: billing({ firstName: 'A'.repeat(26) }) } },
        { field: 'billingAddress.firstName', type: 'InvalidValue' },
      ],
      [
        { customer: { billingAddress: billing({ stateProv: 'ABCD' }) } },
        { field: 'billingAddress.stateProv', type: 'InvalidValue' },
      ],
      [{ customer: { code: 'x'.repeat(33), billingAddress: billing() } }, { field: 'code', type: 'InvalidValue' }],
      [{ customer: {} }, { field: 'billingAddress', type: 'Missing' }],
      [
        { customer: { billingAddress: billing({ city: undefined }) } },
        { field: 'billingAddress.city', type: 'Missing' },
      ],
      [{ customer: { colour: 'blue', billingAddress: billing() } }, { field: 'colour', type: 'UnknownField' }],
      [{ customer: { canLogin: true, billingAddress: billing() } }, { field: 'password', type: 'Missing' }],
      [create({ password: { value: 'short' } }), { field: 'password', type: 'Malformed' }],
      [create({ group: 9 }), { field: 'group', type: 'NotFound' }],
      [
        create({ billingAddress: billing({ email: 'not-an-email' }) }),
        { field: 'billingAddress.email', type: 'InvalidValue' },
      ],
      [create({ creationTime: '2999-01-01 00:00:00' }), { field: 'creationTime', type: 'InvalidValue' }],
      [create({ invoiceRecipient: 'not a code' }), { field: 'invoiceRecipient', type: 'Malformed' }],
    ];
    for (const [body, error] of cases) {
      const res = await post('commerce.customers.create', body);
      expect(res.status).toBe(200);
      expect(res.json, JSON.stringify(body)).toMatchObject({ status: 'error', error });
    }
    expect(await emulator.backdoor.readAll()).toEqual([]);
  });

  it('keeps code unique, and email unique among customers with a password', async () => {
    const { post } = setup();
    await post('commerce.customers.create', create({ code: 'C-1' }));
    expect(
      (
        await post(
          'commerce.customers.create',
          create({ code: 'C-1', billingAddress: billing({ email: 'b@example.it' }) }),
        )
      ).json,
    ).toMatchObject({ error: { field: 'code', type: 'AlreadyExists' } });
    expect((await post('commerce.customers.create', create())).json).toMatchObject({
      error: { field: 'billingAddress.email', type: 'AlreadyExists' },
    });
    // Without a password the same email is allowed (Open2b only forbids two that can log in).
    expect(
      (await post('commerce.customers.create', { customer: { canLogin: false, billingAddress: billing() } })).json
        .status,
    ).toBe('ok');
  });

  it('finds with conditions, order, first/limit and after; counts with the same conditions', async () => {
    const { emulator, post } = setup();
    await emulator.backdoor.seed([
      { id: 10, code: 'A', billingAddress: { firstName: 'A', lastName: 'One', email: 'one@x.it', country: 'IT' } },
      {
        id: 11,
        code: 'B',
        password: 'pw-pw-pw',
        billingAddress: { firstName: 'B', lastName: 'Two', email: 'TWO@x.it', country: 'DE' },
      },
      {
        id: 12,
        code: 'C',
        billingAddress: { firstName: 'C', lastName: 'Three', email: 'three@x.it', country: 'IT', companyName: 'Acme' },
        labels: [3],
      },
    ]);
    const ids = async (body: unknown) =>
      (await post('commerce.customers.find', { fields: ['id'], ...(body as object) })).json.customers.map(
        (c: { id: number }) => c.id,
      );
    expect(await ids({})).toEqual([10, 11, 12]);
    expect(await ids({ order: ['-id'] })).toEqual([12, 11, 10]);
    expect(await ids({ conditions: { after: 10 }, limit: 1 })).toEqual([11]);
    expect(await ids({ first: 1, limit: 5 })).toEqual([11, 12]);
    expect(await ids({ conditions: { code: 'B' } })).toEqual([11]);
    expect(await ids({ conditions: { email: 'two@X.it' } })).toEqual([11]);
    expect(await ids({ conditions: { country: 'IT', canLogin: false } })).toEqual([10, 12]);
    expect(await ids({ conditions: { keywords: 'acme' } })).toEqual([12]);
    expect(await ids({ conditions: { labels: [3] } })).toEqual([12]);
    expect((await post('commerce.customers.count', { conditions: { country: 'IT' } })).json).toEqual({
      status: 'ok',
      count: 2,
    });
    expect((await post('commerce.customers.find', { order: ['colour'] })).json).toMatchObject({
      error: { field: 'order', type: 'InvalidValue' },
    });
    expect((await post('commerce.customers.find', { conditions: { colour: 1 } })).json).toMatchObject({
      error: { field: 'conditions.colour', type: 'UnknownField' },
    });
    expect((await post('commerce.customers.find', { limit: 0 })).json).toMatchObject({
      error: { field: 'limit', type: 'InvalidValue' },
    });
  });

  it('updates only what is sent, clears the shipping address with null, and refuses canLogin without a password', async () => {
    const { emulator, post } = setup({ seed: false, now: () => new Date('2025-01-10T08:00:00Z') });
    const { json } = await post(
      'commerce.customers.create',
      create({
        shippingAddress: {
          name: 'Charles Babbage',
          street1: 'Via Po 2',
          city: 'Torino',
          postalCode: '10100',
          country: 'IT',
        },
      }),
    );
    expect((await emulator.backdoor.readCustomer(json.id))!.shippingAddress).toMatchObject({
      name: 'Charles Babbage',
      street2: '',
      stateProv: '',
    });
    expect(
      (await post('commerce.customers.update', { id: json.id, customer: { code: 'NEW', shippingAddress: null } })).json,
    ).toEqual({ status: 'ok' });
    expect(await emulator.backdoor.readCustomer(json.id)).toMatchObject({
      code: 'NEW',
      shippingAddress: null,
      billingAddress: { firstName: 'Ada' },
    });
    expect((await post('commerce.customers.update', { id: json.id, customer: { password: null } })).json).toMatchObject(
      { error: { field: 'canLogin', type: 'InvalidValue' } },
    );
    expect((await post('commerce.customers.update', { id: 999, customer: {} })).json).toMatchObject({
      error: { field: 'id', type: 'NotFound' },
    });
  });

  it('authenticates by email and password: the customer with the previous loginTime, or null', async () => {
    let now = new Date('2025-03-01T09:00:00Z');
    const { emulator, post } = setup({ seed: false, now: () => now });
    const { json } = await post('commerce.customers.create', create());
    now = new Date('2025-03-02T09:00:00Z');
    const ok = await post('commerce.customers.authenticate', {
      email: 'ADA@example.it',
      password: 'secret-1',
      fields: ['id', 'loginTime'],
    });
    expect(ok.json).toEqual({ status: 'ok', customer: { id: json.id, loginTime: null } });
    expect((await emulator.backdoor.readCustomer(json.id))!.loginTime).toBe('2025-03-02 10:00:00');
    expect(
      (await post('commerce.customers.authenticate', { email: 'ada@example.it', password: 'wrong-1' })).json,
    ).toEqual({ status: 'ok', customer: null });
    expect(
      (await post('commerce.customers.authenticate', { email: 'ada@example.it', password: 'secret-1', fields: [] }))
        .json,
    ).toEqual({ status: 'ok', customer: {} });
  });

  it('deletes customers by id', async () => {
    const { emulator, post } = setup();
    const { json } = await post('commerce.customers.create', create());
    expect((await post('commerce.customers.delete', { ids: [json.id, 5555] })).json).toEqual({ status: 'ok' });
    expect(await emulator.backdoor.readCustomer(json.id)).toBeUndefined();
  });

  it('starts with demo data whose passwords work, and reset() brings it back', async () => {
    const { emulator, post } = setup({});
    const demo = await emulator.backdoor.readAll();
    expect(demo.length).toBeGreaterThanOrEqual(5);
    expect(
      (
        await post('commerce.customers.authenticate', {
          email: 'giulia.rossi@example.it',
          password: 'giulia-2024',
          fields: ['id'],
        })
      ).json.customer,
    ).toEqual({ id: 101 });
    await post('commerce.customers.delete', { ids: [101] });
    emulator.backdoor.reset();
    expect((await emulator.backdoor.readAll()).map((c) => c.id)).toEqual(demo.map((c) => c.id));
  });
});
