import { failure } from '../support.js';
import { describe, expect, it } from 'vitest';
import { createOpen2bAdapter, open2bBackend } from '../../../adapters/open2b/index.js';
import { ConfigError } from '../../../adapters/errors.js';
import type { CustomerRef } from '../../../adapters/types.js';
import { createOpen2bEmulator, type Open2bEmulatorOptions } from '../../../emulators/open2b/index.js';
import {
  AddressCreateSchema,
  CustomerCreateSchema,
  type AddressCreateInput,
  type CustomerCreateInput,
} from '../../../schemas/index.js';
import { buildGateway } from '../../conformance/harness.js';
import { silentLog, testContext } from '../support.js';

const ORIGIN = 'http://open2b.test';

interface Sent {
  method: string;
  body: any;
}

/** The adapter on an in-process emulator, with every RPC it sends recorded. */
function setup(
  emulatorOptions: Open2bEmulatorOptions = { seed: false },
  env: Record<string, string> = {},
  fetchOverride?: typeof fetch,
) {
  const emulator = createOpen2bEmulator(emulatorOptions);
  const sent: Sent[] = [];
  const spy = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({
      method: new URL(request.url).pathname.split('/').pop()!,
      body: JSON.parse(await request.clone().text()),
    });
    return (fetchOverride ?? emulator.fetch)(request);
  }) as typeof fetch;
  const adapter = createOpen2bAdapter(open2bBackend.parseOptions({ ...emulator.connectionEnv(ORIGIN), ...env }), {
    fetch: spy,
    log: silentLog,
  });
  const calls = (method: string) => sent.filter((s) => s.method === `commerce.customers.${method}`);
  return { emulator, adapter, sent, calls, ctx: testContext().ctx };
}

let n = 0;
const address = (o: Partial<AddressCreateInput> = {}) => ({
  firstName: 'Erika',
  lastName: 'Muster',
  line1: 'Hauptstraße 5',
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
  ...o,
});
const register = (o: Partial<CustomerCreateInput> = {}) =>
  CustomerCreateSchema.parse({
    email: `erika${++n}@example.de`,
    firstName: 'Erika',
    lastName: 'Muster',
    password: 'secret-12',
    addresses: [address({ isDefaultBilling: true, isDefaultShipping: true })],
    ...o,
  });
const id = (value: string): CustomerRef => ({ kind: 'id', id: value });

describe('open2b configuration', () => {
  it('needs OPEN2B_BASE_URL and OPEN2B_API_KEY, defaults the key header and zone, and names a bad variable without its value', () => {
    const env = { OPEN2B_BASE_URL: 'https://shop.example/api/v6/', OPEN2B_API_KEY: 'k-123' };
    expect(open2bBackend.parseOptions(env)).toEqual({
      baseUrl: 'https://shop.example/api/v6',
      apiKey: 'k-123',
      keyHeader: 'X-Key',
      timezone: 'Europe/Rome',
    });
    expect(() => open2bBackend.parseOptions({ ...env, OPEN2B_API_KEY: undefined })).toThrow(ConfigError);
    const bad = (() => {
      try {
        open2bBackend.parseOptions({ ...env, OPEN2B_TIMEZONE: 'Mars/Olympus' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(bad?.variable).toBe('OPEN2B_TIMEZONE');
    expect(bad?.message).not.toContain('Mars');
  });

  it('sends the key in the configured header (X-Secret-Key works as well as X-Key)', async () => {
    const { adapter, ctx } = setup({ seed: false, keyHeader: 'X-Secret-Key' });
    expect((await adapter.listCustomers({ limit: 5 }, ctx)).items).toEqual([]);
  });

  it('runs on the embedded emulator with its demo data when OPEN2B_BASE_URL is not set', async () => {
    const gw = buildGateway('open2b', { BACKENDS: 'open2b' });
    const res = await gw.call('GET', '/customers?limit=3');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.page.total).toBeGreaterThanOrEqual(5);
  });
});

describe('open2b adapter: customers', () => {
  it('registers with one create call and reads the customer back with its billing address', async () => {
    const { adapter, emulator, calls, ctx } = setup({ seed: false, now: () => new Date('2025-07-01T10:00:00Z') });
    const { value } = await adapter.createCustomer(
      register({ externalRef: 'EXT-1', phones: { primary: '+49 30 1' } }),
      ctx,
    );
    expect(calls('create')).toHaveLength(1);
    expect(value).toMatchObject({
      externalRef: 'EXT-1',
      firstName: 'Erika',
      status: { active: true, guest: false },
      hasPassword: true,
      createdAt: '2025-07-01T12:00:00+02:00',
      phones: { primary: '+49 30 1' },
    });
    expect(value.addresses).toEqual([
      expect.objectContaining({
        id: 'billing',
        line1: 'Hauptstraße 5',
        isDefaultBilling: true,
        isDefaultShipping: true,
      }),
    ]);
    expect(await emulator.backdoor.readCustomer(Number(value.id))).toMatchObject({
      code: 'EXT-1',
      billingAddress: { phoneNumber: '+49 30 1', email: value.email },
      shippingAddress: null,
    });
    expect(await emulator.backdoor.checkPassword(Number(value.id), 'secret-12')).toBe(true);
  });

  it('reads shop-local timestamps in OPEN2B_TIMEZONE; an autumn-repeated hour reads as its first occurrence', async () => {
    // The emulator writes 01:30Z as "2025-10-26 02:30:00" (Rome, second time round, +01:00);
    // Open2b keeps no offset, so the adapter can only pick one: the first, +02:00 (an hour early).
    const { adapter, ctx } = setup({ seed: false, now: () => new Date('2025-10-26T01:30:00Z') });
    expect((await adapter.createCustomer(register(), ctx)).value.createdAt).toBe('2025-10-26T02:30:00+02:00');
    const ny = setup({ seed: false, timezone: 'America/New_York', now: () => new Date('2025-03-09T07:30:00Z') });
    expect((await ny.adapter.createCustomer(register(), ny.ctx)).value.createdAt).toBe('2025-03-09T03:30:00-04:00');
  });

  it('checks lengths before sending anything: a 400 naming field and limit, and nothing written', async () => {
    const { adapter, emulator, sent, ctx } = setup();
    for (const input of [
      register({ firstName: 'F'.repeat(26), addresses: [address({ firstName: 'F'.repeat(26) })] }),
      register({ externalRef: 'r'.repeat(33) }),
      register({ addresses: [address({ stateCode: 'BERL' })] }),
    ]) {
      const e = await failure(adapter.createCustomer(input, ctx));
      expect(e.code).toBe('validation_failed');
      expect(e.errors![0]!.message).toMatch(/at most (25|32|3) characters/);
    }
    expect(sent).toEqual([]);
    expect(await emulator.backdoor.readAll()).toEqual([]);

    const { value } = await adapter.createCustomer(register(), ctx);
    const before = await emulator.backdoor.readCustomer(Number(value.id));
    const e = await failure(adapter.updateCustomer(id(value.id), { lastName: 'L'.repeat(26) }, {}, ctx));
    expect(e.errors).toEqual([{ path: 'lastName', message: expect.stringContaining('at most 25 characters') }]);
    expect(await emulator.backdoor.readCustomer(Number(value.id))).toEqual(before);
  });

  it('never asks for encryptedPassword and never returns it', async () => {
    const { adapter, emulator, sent, ctx } = setup({});
    await adapter.createCustomer(register(), ctx);
    const page = await adapter.listCustomers({ limit: 50 }, ctx);
    const one = await adapter.getCustomer(id('101'), { expandAddresses: true }, ctx);
    const reads = sent.filter((s) => /\.(get|find|authenticate)$/.test(s.method));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.body.fields, read.method).toEqual(expect.any(Array));
      expect(read.body.fields).not.toContain('encryptedPassword');
    }
    const hash = (await emulator.backdoor.readCustomer(101))!.encryptedPassword!;
    for (const text of [JSON.stringify(page), JSON.stringify(one)]) {
      expect(text).not.toContain('encryptedPassword');
      expect(text).not.toContain(hash);
    }
  });

  it('drops encryptedPassword even when an upstream sends it unasked', async () => {
    const { emulator } = setup({});
    const hash = (await emulator.backdoor.readCustomer(101))!.encryptedPassword!;
    const leaky = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const body = await request.json();
      // Ignore `fields`, as a careless installation might.
      const { fields: _ignored, ...rest } = body as Record<string, unknown>;
      return emulator.fetch(
        new Request(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(rest) }),
      );
    }) as typeof fetch;
    const { adapter, ctx } = setup({}, {}, leaky);
    const text = JSON.stringify((await adapter.getCustomer(id('101'), { expandAddresses: true }, ctx)).value);
    expect(text).not.toContain(hash);
    expect(text).not.toContain('encryptedPassword');
  });

  it('answers 404 for unknown or non-numeric ids and for an unknown ref', async () => {
    const { adapter, ctx } = setup({});
    for (const ref of [
      id('999999'),
      id('abc'),
      id('0'),
      { kind: 'externalRef', externalRef: 'nope' } as CustomerRef,
      { kind: 'externalRef', externalRef: 'x'.repeat(40) } as CustomerRef,
    ]) {
      expect((await failure(adapter.getCustomer(ref, { expandAddresses: false }, ctx))).code).toBe('not_found');
    }
  });

  it('looks ref: up through the code condition', async () => {
    const { adapter, calls, ctx } = setup({});
    const { value } = await adapter.getCustomer(
      { kind: 'externalRef', externalRef: 'DEMO-104' },
      { expandAddresses: false },
      ctx,
    );
    expect(value).toMatchObject({ id: '104', externalRef: 'DEMO-104' });
    expect(calls('find')[0]!.body.conditions).toEqual({ code: 'DEMO-104' });
  });

  it('maps AlreadyExists to 409 (same email with passwords, same code)', async () => {
    const { adapter, ctx } = setup({});
    const email = await failure(adapter.createCustomer(register({ email: 'giulia.rossi@example.it' }), ctx));
    expect([email.code, email.errors]).toEqual(['conflict', [{ path: 'email', message: 'already used' }]]);
    const code = await failure(adapter.createCustomer(register({ externalRef: 'DEMO-101' }), ctx));
    expect([code.code, code.errors![0]!.path]).toEqual(['conflict', 'externalRef']);
  });

  it('maps an unknown group (NotFound on group) to a 400 on groups', async () => {
    const { adapter, ctx } = setup({});
    const e = await failure(adapter.createCustomer(register({ groups: ['77'] }), ctx));
    expect([e.code, e.errors![0]!.path]).toEqual(['validation_failed', 'groups']);
  });

  it('updates through a read-merge-write of the billing address and answers the stored result', async () => {
    const { adapter, emulator, calls, ctx } = setup({});
    const { value } = await adapter.updateCustomer(
      id('102'),
      { lastName: 'Neri', externalRef: 'NEW-102', groups: ['3'] },
      {},
      ctx,
    );
    expect(value).toMatchObject({
      lastName: 'Neri',
      externalRef: 'NEW-102',
      groups: ['3'],
      companyName: 'Bianchi Srl',
    });
    expect(calls('update')[0]!.body).toEqual({
      id: 102,
      customer: expect.objectContaining({
        code: 'NEW-102',
        group: 3,
        billingAddress: expect.objectContaining({ lastName: 'Neri', street1: 'Corso Buenos Aires 8' }),
      }),
    });
    expect(await emulator.backdoor.readCustomer(102)).toMatchObject({
      billingAddress: { lastName: 'Neri', companyName: 'Bianchi Srl' },
      code: 'NEW-102',
    });
  });

  it('sends the unmapped billing codes back unchanged when it rewrites the billing address', async () => {
    const { adapter, emulator, ctx } = setup();
    const codes = { personalCode: 'RSSGLI80A41D612X', companyCode: 'IT01234567890', companyCode2: 'SDI-77' };
    await emulator.backdoor.seed([
      {
        id: 7,
        password: 'secret-12',
        billingAddress: { firstName: 'Giulia', lastName: 'Rossi', email: 'g@example.it', ...codes },
      },
    ]);
    await adapter.updateCustomer(id('7'), { lastName: 'Bianchi', phones: { mobile: '+39 333 1' } }, {}, ctx);
    await adapter.updateAddress(id('7'), 'billing', { city: 'Prato' }, {}, ctx);
    expect((await emulator.backdoor.readCustomer(7))!.billingAddress).toMatchObject({
      ...codes,
      lastName: 'Bianchi',
      mobileNumber: '+39 333 1',
      city: 'Prato',
    });
  });

  it('deletes by id, and 404s after', async () => {
    const { adapter, emulator, ctx } = setup({});
    await adapter.deleteCustomer(id('105'), ctx);
    expect(await emulator.backdoor.readCustomer(105)).toBeUndefined();
    expect((await failure(adapter.deleteCustomer(id('105'), ctx))).code).toBe('not_found');
  });

  it('changes the password after checking the current one with authenticate', async () => {
    const { adapter, emulator, ctx } = setup({});
    const wrong = await failure(
      adapter.setPassword(id('101'), { currentPassword: 'not-it', password: 'brand-new-1' }, ctx),
    );
    expect(wrong.errors).toEqual([{ path: 'currentPassword', message: 'does not match' }]);
    expect(await emulator.backdoor.checkPassword(101, 'giulia-2024')).toBe(true);
    const tooLong = await failure(adapter.setPassword(id('101'), { password: 'x'.repeat(17) }, ctx));
    expect(tooLong.errors![0]!.path).toBe('password');
    await adapter.setPassword(id('101'), { currentPassword: 'giulia-2024', password: 'brand-new-1' }, ctx);
    expect(await emulator.backdoor.checkPassword(101, 'brand-new-1')).toBe(true);
  });
});

describe('open2b adapter: listing', () => {
  it('pages by keyset (after = last id) with total from count, run alongside find', async () => {
    const { adapter, calls, ctx } = setup({});
    const first = await adapter.listCustomers({ limit: 2 }, ctx);
    expect(first.items.map((c) => c.id)).toEqual(['101', '102']);
    expect([first.next, first.total]).toEqual([102, 5]);
    expect(calls('count')).toHaveLength(1);
    const second = await adapter.listCustomers({ limit: 2, position: first.next }, ctx);
    expect(second.items.map((c) => c.id)).toEqual(['103', '104']);
    expect(calls('find')[1]!.body).toMatchObject({ conditions: { after: 102 }, order: ['id'], limit: 3 });
    const last = await adapter.listCustomers({ limit: 2, position: second.next }, ctx);
    expect([last.items.map((c) => c.id), last.next]).toEqual([['105'], null]);
  });

  it('answers an empty page, without asking, for a filter longer than Open2b stores', async () => {
    const { adapter, sent, ctx } = setup({});
    for (const query of [{ email: `${'a'.repeat(116)}@x.de` }, { externalRef: 'r'.repeat(33) }]) {
      expect(await adapter.listCustomers({ limit: 5, ...query }, ctx)).toEqual({ items: [], next: null, total: 0 });
    }
    expect(sent).toEqual([]);
  });

  it('rejects a position that is not ours with a 400 on query.cursor', async () => {
    const { adapter, ctx } = setup({});
    for (const position of ['abc', -1, { offset: 2 }, 1.5]) {
      const e = await failure(adapter.listCustomers({ limit: 2, position }, ctx));
      expect([e.code, e.errors![0]!.path]).toEqual(['validation_failed', 'query.cursor']);
    }
  });

  it('filters by email and externalRef through conditions', async () => {
    const { adapter, ctx } = setup({});
    expect(
      (await adapter.listCustomers({ limit: 5, email: 'MARCO.bianchi@example.it' }, ctx)).items.map((c) => c.id),
    ).toEqual(['102']);
    expect(await adapter.listCustomers({ limit: 5, externalRef: 'DEMO-103' }, ctx)).toMatchObject({
      items: [{ id: '103' }],
      total: 1,
    });
  });

  it('lists customers updated since an instant, newest first, comparing in the shop zone', async () => {
    const { adapter, ctx } = setup({});
    // 105 was updated 2025-07-11 09:15:30 Rome = 07:15:30Z; 104 on 2025-02-01 08:00 Rome.
    const page = await adapter.listCustomers({ limit: 5, updatedSince: '2025-07-11T07:15:30Z' }, ctx);
    expect([page.items.map((c) => c.id), page.next]).toEqual([['105'], null]);
    const none = await adapter.listCustomers({ limit: 5, updatedSince: '2025-07-11T07:15:31Z' }, ctx);
    expect(none.items).toEqual([]);
    const paged = await adapter.listCustomers({ limit: 1, updatedSince: '2024-01-01T00:00:00Z' }, ctx);
    expect([paged.items.map((c) => c.id), paged.next]).toEqual([
      ['105'],
      { offset: 1, after: ['2025-07-11 09:15:30', 105] },
    ]);
  });
});

describe('open2b adapter: a walk by updatedSince while customers change', () => {
  /** An emptied shop whose clock moves a second per registration: `register(n)` answers the ids, oldest first. */
  function walking(limit: number) {
    let clock = Date.parse('2025-07-01T10:00:00Z');
    const { adapter, ctx } = setup({ seed: false, now: () => new Date(clock) });
    return {
      adapter,
      ctx,
      tick: () => (clock += 1000),
      instant: () => new Date(clock + 500).toISOString(),
      async register(count: number) {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          clock += 1000;
          ids.push((await adapter.createCustomer(register(), ctx)).value.id);
        }
        return ids;
      },
      walk: (position?: unknown, updatedSince = '2025-07-01T00:00:00Z') =>
        adapter.listCustomers({ limit, updatedSince, position }, ctx),
      remove: (...ids: string[]) => Promise.all(ids.map((one) => adapter.deleteCustomer!(id(one), ctx))),
    };
  }
  const idsOf = (pages: { items: { id: string }[] }[]) => pages.flatMap((page) => page.items.map((c) => c.id));

  it('misses no customer when ones it returned are deleted before the next page, however many', async () => {
    const shop = walking(3);
    const newestFirst = (await shop.register(14)).toReversed();
    const pages = [await shop.walk()];
    await shop.remove(newestFirst[0]!, newestFirst[1]!); // two of page 1: the rest moves up by two
    pages.push(await shop.walk(pages.at(-1)!.next));
    pages.push(await shop.walk(pages.at(-1)!.next));
    await shop.remove(...newestFirst.slice(2, 9)); // the seven returned since: more than a first look back covers
    pages.push(await shop.walk(pages.at(-1)!.next));
    shop.tick();
    await shop.adapter.updateCustomer(id(newestFirst[13]!), { firstName: 'Later' }, {}, shop.ctx); // to the front
    while (pages.at(-1)!.next !== null) pages.push(await shop.walk(pages.at(-1)!.next));

    // Every customer once, newest first; the one updated during the walk is the next walk's.
    expect(idsOf(pages)).toEqual(newestFirst.slice(0, 13));
  });

  it('goes on after deletions that leave fewer customers than the next offset', async () => {
    const shop = walking(10);
    const newestFirst = (await shop.register(20)).toReversed();
    const first = await shop.walk();
    // The ten returned and five not yet: five are left, fewer than the ten the next page starts after.
    await shop.remove(...newestFirst.slice(0, 15));
    const second = await shop.walk(first.next);
    expect([idsOf([second]), second.next]).toEqual([newestFirst.slice(15), null]);
  });

  it('ends a page at the first customer older than updatedSince, not at one further in a look-back window', async () => {
    const shop = walking(2);
    await shop.register(3); // before the walk's instant
    const since = shop.instant();
    const newer = await shop.register(6);
    const pages = [await shop.walk(undefined, since)];
    // Page 1 deleted: the next page looks back, over a window that reaches the older customers.
    await shop.remove(...idsOf(pages));
    while (pages.at(-1)!.next !== null) pages.push(await shop.walk(pages.at(-1)!.next, since));
    expect(idsOf(pages)).toEqual(newer.toReversed());
  });

  it('asks to start over (409 on query.cursor) rather than look back over thousands of deleted customers', async () => {
    const { adapter, ctx } = setup({});
    // A cursor deep in a walk whose customers were nearly all deleted since (the seed's few remain).
    const position = { offset: 5_000, after: ['2099-01-01 00:00:00', 999_999] };
    const e = await failure(adapter.listCustomers({ limit: 10, updatedSince: '2020-01-01T00:00:00Z', position }, ctx));
    expect([e.code, e.errors![0]!.path]).toEqual(['conflict', 'query.cursor']);
  });
});

describe('open2b adapter: the two address slots', () => {
  it('lists billing then shipping, pages them and reads each by its slot id', async () => {
    const { adapter, ctx } = setup({});
    const all = await adapter.listAddresses(id('101'), { limit: 10 }, ctx);
    expect(all.items.map((a) => a.id)).toEqual(['billing', 'shipping']);
    expect(all.items[0]).toMatchObject({ isDefaultBilling: true, isDefaultShipping: false });
    const first = await adapter.listAddresses(id('101'), { limit: 1 }, ctx);
    expect([first.items.map((a) => a.id), first.next]).toEqual([['billing'], 'billing']);
    expect(
      (await adapter.listAddresses(id('101'), { limit: 1, position: 'billing' }, ctx)).items.map((a) => a.id),
    ).toEqual(['shipping']);
    expect((await adapter.getAddress(id('101'), 'shipping', ctx)).value).toMatchObject({
      firstName: 'Giulia',
      lastName: 'Rossi',
      line1: 'Via Tornabuoni 3',
    });
    expect((await failure(adapter.getAddress(id('102'), 'shipping', ctx))).code).toBe('not_found');
    expect((await failure(adapter.getAddress(id('101'), 'home', ctx))).code).toBe('not_found');
  });

  it('adds the second address to the shipping slot, then refuses a third with a 409 and writes nothing', async () => {
    const { adapter, emulator, ctx } = setup({});
    const created = await adapter.createAddress(
      id('102'),
      AddressCreateSchema.parse(address({ firstName: 'Hans', lastName: 'Schmidt' })),
      ctx,
    );
    expect(created.value).toMatchObject({
      id: 'shipping',
      firstName: 'Hans',
      lastName: 'Schmidt',
      isDefaultShipping: true,
    });
    const stored = await emulator.backdoor.readCustomer(102);
    expect(stored!.shippingAddress).toMatchObject({ name: 'Hans Schmidt', street1: 'Hauptstraße 5', country: 'DE' });
    const third = await failure(adapter.createAddress(id('102'), AddressCreateSchema.parse(address()), ctx));
    expect([third.code, third.status]).toEqual(['conflict', 409]);
    expect(third.message).toContain('Open2b holds one billing and one shipping address');
    expect(await emulator.backdoor.readCustomer(102)).toEqual(stored);
  });

  it('checks address lengths before the update is sent: a 400 naming the field, and the slots untouched', async () => {
    const { adapter, emulator, calls, ctx } = setup({});
    const before = await emulator.backdoor.readCustomer(101);
    const tooLong = [
      adapter.createAddress(id('102'), AddressCreateSchema.parse(address({ city: 'C'.repeat(26) })), ctx),
      adapter.updateAddress(id('101'), 'billing', { line2: 'x'.repeat(61) }, {}, ctx),
      adapter.updateAddress(id('101'), 'shipping', { stateCode: 'FIRE' }, {}, ctx),
    ];
    const paths = [];
    for (const attempt of tooLong) {
      const e = await failure(attempt);
      expect(e.code).toBe('validation_failed');
      expect(e.errors![0]!.message).toMatch(/at most (25|60|3) characters/);
      paths.push(e.errors![0]!.path);
    }
    expect(paths).toEqual(['city', 'line2', 'stateCode']);
    expect(calls('update')).toEqual([]);
    expect(await emulator.backdoor.readCustomer(101)).toEqual(before);
    expect((await emulator.backdoor.readCustomer(102))!.shippingAddress).toBeNull();
  });

  it('register refuses two addresses asking for the same slot with a 409 naming the flag, and writes nothing', async () => {
    const { adapter, emulator, sent, ctx } = setup();
    const e = await failure(
      adapter.createCustomer(
        register({ addresses: [address({ isDefaultBilling: true }), address({ isDefaultBilling: true })] }),
        ctx,
      ),
    );
    expect([e.code, e.errors]).toEqual([
      'conflict',
      [{ path: 'addresses.1.isDefaultBilling', message: 'the billing slot is taken' }],
    ]);
    expect(e.message).toContain('Open2b holds one billing and one shipping address');
    expect(e.message).not.toContain('update the');
    expect(sent).toEqual([]);
    expect(await emulator.backdoor.readAll()).toEqual([]);
  });

  it('register puts a shipping-only address into the shipping slot and requires a billing one', async () => {
    const { adapter, emulator, sent, ctx } = setup();
    const { value } = await adapter.createCustomer(
      register({ addresses: [address({ line1: 'Ship 1', isDefaultShipping: true }), address({ line1: 'Bill 1' })] }),
      ctx,
    );
    expect(value.addresses!.map((a) => [a.id, a.line1])).toEqual([
      ['billing', 'Bill 1'],
      ['shipping', 'Ship 1'],
    ]);
    const before = sent.length;
    const e = await failure(
      adapter.createCustomer(register({ addresses: [address({ isDefaultShipping: true })] }), ctx),
    );
    expect([e.code, e.errors]).toEqual([
      'validation_failed',
      [{ path: 'addresses', message: expect.stringContaining('billing address') }],
    ]);
    expect(sent.length).toBe(before);
    expect(await emulator.backdoor.readAll()).toHaveLength(1);
  });

  it('patches a slot in place, refuses to delete the billing address (409) and clears the shipping one', async () => {
    const { adapter, emulator, ctx } = setup({});
    const patched = await adapter.updateAddress(id('101'), 'billing', { city: 'Prato', postalCode: '59100' }, {}, ctx);
    expect(patched.value).toMatchObject({ id: 'billing', city: 'Prato', line1: 'Via Roma 12' });
    const refused = await failure(adapter.deleteAddress(id('101'), 'billing', ctx));
    expect([refused.code, refused.message]).toEqual(['conflict', expect.stringContaining('billing address')]);
    await adapter.deleteAddress(id('101'), 'shipping', ctx);
    expect((await emulator.backdoor.readCustomer(101))!.shippingAddress).toBeNull();
    expect((await adapter.getAddress(id('101'), 'billing', ctx)).value.isDefaultShipping).toBe(true);
    expect((await failure(adapter.deleteAddress(id('101'), 'shipping', ctx))).code).toBe('not_found');
  });
});

describe('open2b adapter: upstream failures', () => {
  it('a wrong key (HTTP 403) is upstream_auth_failed, never a 401, and the key is not in the message', async () => {
    const { adapter, ctx } = setup({}, { OPEN2B_API_KEY: 'wrong-key-value' });
    const e = await failure(adapter.getCustomer(id('101'), { expandAddresses: false }, ctx));
    expect([e.code, e.status, e.upstream]).toEqual(['upstream_auth_failed', 502, { status: 403 }]);
    expect(e.message).not.toContain('wrong-key-value');
  });

  it('an AccessDenied document is upstream_auth_failed', async () => {
    const denied = (async () =>
      Response.json({
        status: 'error',
        error: { field: '', type: 'AccessDenied', description: 'key lacks commerce.customers' },
      })) as typeof fetch;
    const { adapter, ctx } = setup({}, {}, denied);
    expect((await failure(adapter.listCustomers({ limit: 1 }, ctx))).code).toBe('upstream_auth_failed');
  });

  it('the call budget spent is 429 rate_limited', async () => {
    const { adapter, ctx } = setup({ seed: true, rateLimit: { limit: 1, windowSeconds: 300 } });
    await adapter.getCustomer(id('101'), { expandAddresses: false }, ctx);
    const e = await failure(adapter.createCustomer(register(), ctx));
    expect([e.code, e.status]).toEqual(['rate_limited', 429]);
  });

  it('retries reads (find/get/count) on a 503, but not writes', async () => {
    const { adapter, emulator, calls, ctx } = setup({});
    emulator.faults.inject({ status: 503, times: 1 });
    expect((await adapter.getCustomer(id('101'), { expandAddresses: false }, ctx)).value.id).toBe('101');
    expect(calls('get')).toHaveLength(2);
    const count = (await emulator.backdoor.readAll()).length;
    emulator.faults.inject({ status: 503, times: 1, path: 'create' });
    expect((await failure(adapter.createCustomer(register(), ctx))).code).toBe('upstream_error');
    expect(calls('create')).toHaveLength(1);
    expect(await emulator.backdoor.readAll()).toHaveLength(count);
  });

  it('a truncated body is upstream_contract_violation, a dropped connection upstream_unavailable', async () => {
    const { adapter, emulator, ctx } = setup({});
    emulator.faults.inject({ malformed: true, times: 1, path: 'get' });
    expect((await failure(adapter.getCustomer(id('101'), { expandAddresses: false }, ctx))).code).toBe(
      'upstream_contract_violation',
    );
    emulator.faults.inject({ drop: true, path: 'update' });
    expect((await failure(adapter.updateCustomer(id('101'), { firstName: 'G' }, {}, ctx))).code).toBe(
      'upstream_unavailable',
    );
  });

  it('a customer created but not readable back says what was created', async () => {
    const { adapter, emulator, ctx } = setup();
    emulator.faults.inject({ status: 500, path: 'get' });
    const e = await failure(adapter.createCustomer(register(), ctx));
    expect(e.created).toEqual({ customerId: expect.any(String) });
    expect(await emulator.backdoor.readCustomer(Number(e.created!.customerId))).toBeDefined();
  });
});
