import { failure } from '../support.js';
import { describe, expect, it } from 'vitest';
import { createScayleAdapter, scayleBackend } from '../../../adapters/scayle/index.js';
import { ConfigError } from '../../../adapters/errors.js';
import type { CustomerAdapter, CustomerRef } from '../../../adapters/types.js';
import { createScayleEmulator, SCAYLE_EMULATOR_TOKEN } from '../../../emulators/scayle/index.js';
import type { EmulatorOptions } from '../../../emulators/shared/types.js';
import {
  AddressCreateSchema,
  CustomerCreateSchema,
  type AddressCreateInput,
  type CustomerCreateInput,
} from '../../../schemas/index.js';
import { testContext } from '../support.js';

const ORIGIN = 'http://scayle.test';

/** An adapter wired to an in-process emulator, as the embedded default does. */
function setup(
  emulatorOptions: EmulatorOptions = { seed: false },
  adapterOverrides: { retryLimit?: number; accessToken?: string; fetch?: typeof fetch } = {},
) {
  const emulator = createScayleEmulator(emulatorOptions);
  const options = {
    ...scayleBackend.parseOptions(emulator.connectionEnv(ORIGIN)),
    retryLimit: adapterOverrides.retryLimit ?? 2,
  };
  if (adapterOverrides.accessToken) options.accessToken = adapterOverrides.accessToken;
  const adapter = createScayleAdapter(options, { fetch: adapterOverrides.fetch ?? emulator.fetch });
  return { emulator, adapter };
}

const customerInput = (overrides: Partial<CustomerCreateInput> = {}) =>
  CustomerCreateSchema.parse({
    email: `c-${Math.random().toString(36).slice(2, 8)}@example.com`,
    firstName: 'Jane',
    lastName: 'Roe',
    ...overrides,
  });
const addressInput = (overrides: Partial<AddressCreateInput> = {}) =>
  AddressCreateSchema.parse({
    firstName: 'Jane',
    lastName: 'Roe',
    line1: 'Hauptstraße 5',
    city: 'Berlin',
    postalCode: '10115',
    countryCode: 'DE',
    ...overrides,
  });
const byId = (id: string): CustomerRef => ({ kind: 'id', id });

describe('scayle configuration', () => {
  it('needs every SCAYLE_* variable and names the missing one, never a value', () => {
    const env = createScayleEmulator({ seed: false }).connectionEnv(ORIGIN);
    expect(() => scayleBackend.parseOptions({ ...env, SCAYLE_ACCESS_TOKEN: undefined })).toThrow(ConfigError);
    expect(() => scayleBackend.parseOptions({ ...env, SCAYLE_COUNTRY_CODE: 'Germany' })).toThrow(/SCAYLE_COUNTRY_CODE/);
    let thrown: unknown;
    try {
      scayleBackend.parseOptions({ ...env, SCAYLE_BASE_URL: 'not a url with secret-ish' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe('SCAYLE_BASE_URL');
    expect((thrown as Error).message).not.toContain('secret-ish');
  });

  it('takes the country in the path as configured, alpha-2 or alpha-3', async () => {
    for (const code of ['DE', 'DEU']) {
      const emulator = createScayleEmulator();
      const adapter = createScayleAdapter(
        { ...scayleBackend.parseOptions({ ...emulator.connectionEnv(ORIGIN), SCAYLE_COUNTRY_CODE: code }) },
        { fetch: emulator.fetch },
      );
      const { items } = await adapter.listCustomers({ limit: 1 }, testContext().ctx);
      expect(items).toHaveLength(1);
    }
  });
});

describe('scayle adapter writes what SCAYLE stores', () => {
  it('creates a customer with password, status and addresses in SCAYLE shapes', async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    const created = await adapter.createCustomer(
      customerInput({
        password: 'Str0ng!Passw0rd',
        active: false,
        externalRef: 'crm-9',
        gender: 'female',
        custom: { origin: 'web' },
        addresses: [addressInput({ isDefaultBilling: true, isDefaultShipping: true, line2: 'Hof' })],
      }),
      ctx,
    );
    expect(created.value).toMatchObject({
      externalRef: 'crm-9',
      gender: 'female',
      status: { active: false, guest: false },
      hasPassword: true,
      custom: { origin: 'web' },
    });
    expect(created.value.addresses).toEqual([
      expect.objectContaining({
        line1: 'Hauptstraße 5',
        street: 'Hauptstraße',
        houseNumber: '5',
        countryCode: 'DE',
        isDefaultBilling: true,
      }),
    ]);

    const stored = emulator.backdoor.readCustomer(Number(created.value.id))!;
    expect(stored).toMatchObject({
      referenceKey: 'crm-9',
      gender: 'f',
      status: { isActive: false },
      legacyCustomData: { origin: 'web' },
    });
    expect(stored.addresses[0]).toMatchObject({
      street: 'Hauptstraße',
      houseNumber: '5',
      additional: 'Hof',
      zipCode: '10115',
      countryCode: 'DEU',
      isDefault: { billing: true, shipping: true },
      recipient: { firstName: 'Jane', lastName: 'Roe' },
    });
    expect(emulator.backdoor.readCredential(Number(created.value.id))).toMatchObject({
      hashingType: 'internal',
      source: 'password',
    });
    expect(await emulator.backdoor.checkPassword(Number(created.value.id), 'Str0ng!Passw0rd')).toBe(true);
  });

  it('says what exists when an address step of a create fails', async () => {
    const { emulator, adapter } = setup();
    emulator.faults.inject({ method: 'POST', path: /\/addresses$/, status: 500, times: 1 });
    const error = await failure(
      adapter.createCustomer(customerInput({ addresses: [addressInput()] }), testContext().ctx),
    );
    expect(error.code).toBe('upstream_error');
    expect(error.created).toEqual({ customerId: expect.any(String) });
    expect(emulator.backdoor.readCustomer(Number(error.created!.customerId))).toBeDefined();
  });

  it('refuses an unstorable field before writing anything', async () => {
    const { emulator, adapter } = setup();
    const error = await failure(
      adapter.createCustomer(customerInput({ addresses: [addressInput({ postBox: '12' })] }), testContext().ctx),
    );
    expect(error.errors).toEqual([{ path: 'addresses.0.postBox', message: expect.any(String) }]);
    expect(emulator.backdoor.readAll()).toHaveLength(0);
  });

  it('spreads a PATCH over PATCH, reference-key, status, groups and legacy-custom-data', async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    const { value } = await adapter.createCustomer(
      customerInput({ groups: ['a', 'b'], custom: { x: 1 }, phones: { primary: '+49 1' } }),
      ctx,
    );
    const updated = await adapter.updateCustomer(
      byId(value.id),
      { lastName: 'Neu', phones: null, externalRef: 'new-ref', active: false, groups: ['b', 'c'], custom: { y: 2 } },
      {},
      ctx,
    );
    expect(updated.value).toMatchObject({
      lastName: 'Neu',
      externalRef: 'new-ref',
      status: { active: false },
      groups: ['b', 'c'],
      custom: { y: 2 },
    });
    expect(updated.value).not.toHaveProperty('phones');
    expect(updated.value).not.toHaveProperty('addresses');
    expect(emulator.backdoor.readCustomer(Number(value.id))).toMatchObject({
      lastName: 'Neu',
      phone: null,
      referenceKey: 'new-ref',
      status: { isActive: false },
      groups: ['b', 'c'],
      legacyCustomData: { y: 2 },
    });
    // The answer equals a fresh read, so the ETag the gateway derives from either is the same.
    expect((await adapter.getCustomer(byId(value.id), { expandAddresses: false }, ctx)).value).toEqual(updated.value);
  });

  it("refuses what a later call of a registration would refuse before the customer is created (password, lengths), naming the caller's fields", async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    const long = (n: number) => 'x'.repeat(n);
    const cases: [Partial<CustomerCreateInput>, string[]][] = [
      [{ password: 'Sh0rt!' }, ['password']],
      [{ addresses: [addressInput({ postalCode: long(21) })] }, ['addresses.0.postalCode']],
      [{ addresses: [addressInput({ line1: `Hauptstraße ${'9'.repeat(51)}` })] }, ['addresses.0.line1']],
      [{ addresses: [addressInput({ line2: long(256), city: long(256) })] }, ['addresses.0.line2', 'addresses.0.city']],
      [{ lastName: long(256), firstName: long(256) }, ['lastName', 'firstName']],
      [{ groups: [long(256)] }, ['groups.0']],
    ];
    for (const [overrides, paths] of cases) {
      const error = await failure(adapter.createCustomer(customerInput(overrides), ctx));
      expect(error.errors?.map((e) => e.path).sort(), JSON.stringify(overrides).slice(0, 80)).toEqual(paths.sort());
    }
    expect(emulator.backdoor.readAll()).toHaveLength(0);
    // The longest SCAYLE takes is stored whole.
    const created = await adapter.createCustomer(
      customerInput({ password: 'L0ng-enough', addresses: [addressInput({ postalCode: long(20), line2: long(255) })] }),
      ctx,
    );
    expect(emulator.backdoor.readCustomer(Number(created.value.id))?.addresses[0]).toMatchObject({
      zipCode: long(20),
      additional: long(255),
    });
    // An address PATCH is checked the same way, before it is sent.
    const addressId = created.value.addresses![0]!.id;
    const patch = await failure(adapter.updateAddress(byId(created.value.id), addressId, { city: long(256) }, {}, ctx));
    expect(patch.errors).toEqual([{ path: 'city', message: 'SCAYLE takes at most 255 characters' }]);
  });

  it('refuses a group named "." or ".." (removing it would address the customer itself), also one held from elsewhere', async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    for (const name of ['..', '.'])
      expect((await failure(adapter.createCustomer(customerInput({ groups: ['ok', name] }), ctx))).errors).toEqual([
        { path: 'groups.1', message: expect.stringContaining('path step') },
      ]);
    expect(emulator.backdoor.readAll()).toHaveLength(0);
    // Given the group outside the gateway: replacing the groups would DELETE …/customer-groups/.. (the customer).
    const [held] = emulator.backdoor.seed([{ email: 'dots@example.com', firstName: 'Dot', groups: ['..'] }]);
    const error = await failure(
      adapter.updateCustomer(byId(String(held!.id)), { firstName: 'Neu', groups: ['x'] }, {}, ctx),
    );
    expect(error.errors).toEqual([{ path: 'groups', message: expect.stringContaining('path step') }]);
    expect(emulator.backdoor.readCustomer(held!.id)).toMatchObject({ firstName: 'Dot', groups: ['..'] });
  });

  it('says what a multi-call PATCH already wrote when a later call fails', async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    await adapter.createCustomer(customerInput({ externalRef: 'taken' }), ctx);
    const other = await adapter.createCustomer(customerInput(), ctx);
    const error = await failure(
      adapter.updateCustomer(
        byId(other.value.id),
        { lastName: 'Neu', phones: { primary: '+49 2' }, externalRef: 'taken' },
        {},
        ctx,
      ),
    );
    expect(error).toMatchObject({ code: 'conflict', errors: [{ path: 'externalRef' }] });
    expect(error.message).toMatch(/already written before that: lastName, phones\.primary$/);
    expect(emulator.backdoor.readCustomer(Number(other.value.id))).toMatchObject({
      lastName: 'Neu',
      referenceKey: null,
    });
    // A failure before anything was written is passed on as it is.
    const first = await failure(adapter.updateCustomer(byId(other.value.id), { externalRef: 'taken' }, {}, ctx));
    expect(first).toMatchObject({ code: 'conflict' });
    expect(first.message).not.toMatch(/already written/);
  });

  it('looks customers and addresses up by reference key (key%3D…)', async () => {
    const { adapter } = setup();
    const { ctx } = testContext();
    const ref = 'crm/7 ü';
    const { value } = await adapter.createCustomer(
      customerInput({ externalRef: ref, addresses: [addressInput({ externalRef: 'home' })] }),
      ctx,
    );
    const found = await adapter.getCustomer({ kind: 'externalRef', externalRef: ref }, { expandAddresses: true }, ctx);
    expect(found.value.id).toBe(value.id);
    const address = await adapter.getAddress({ kind: 'externalRef', externalRef: ref }, 'ref:home', ctx);
    expect(address.value.id).toBe(value.addresses![0]!.id);
    const patched = await adapter.updateCustomer(
      { kind: 'externalRef', externalRef: ref },
      { groups: ['vip'] },
      {},
      ctx,
    );
    expect(patched.value.groups).toEqual(['vip']);
  });

  it('answers not_found for ids SCAYLE cannot have, without asking it', async () => {
    const { emulator, adapter } = setup();
    emulator.faults.inject({ status: 500 });
    expect((await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, testContext().ctx))).code).toBe(
      'not_found',
    );
    expect((await failure(adapter.getAddress(byId('1'), 'home', testContext().ctx))).code).toBe('not_found');
  });

  it('updates an address from line1, keeping what SCAYLE holds beyond the canonical model', async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    const [stored] = emulator.backdoor.seed([
      {
        email: 'a@example.com',
        addresses: [
          {
            street: 'Alte Straße',
            houseNumber: '1',
            zipCode: '10115',
            city: 'Berlin',
            countryCode: 'DEU',
            recipient: { firstName: 'A', lastName: 'B', gender: 'f' },
          },
        ],
      },
    ]);
    const addressId = String(stored!.addresses[0]!.id);
    const updated = await adapter.updateAddress(
      byId(String(stored!.id)),
      addressId,
      { line1: 'Neue Straße 22b', lastName: 'C', externalRef: 'work' },
      {},
      ctx,
    );
    expect(updated.value).toMatchObject({
      id: addressId,
      line1: 'Neue Straße 22b',
      lastName: 'C',
      externalRef: 'work',
    });
    expect(emulator.backdoor.readCustomer(stored!.id)!.addresses[0]).toMatchObject({
      street: 'Neue Straße',
      houseNumber: '22b',
      referenceKey: 'work',
      recipient: { firstName: 'A', lastName: 'C', gender: 'f' },
    });
  });

  it('refuses a line1 that contradicts street and houseNumber, writing nothing', async () => {
    const { emulator, adapter } = setup();
    const { ctx } = testContext();
    const { value } = await adapter.createCustomer(
      customerInput({ addresses: [addressInput({ line1: 'Calle Mayor, 5', countryCode: 'ES' })] }),
      ctx,
    );
    const address = value.addresses![0]!;
    expect(address).toMatchObject({ street: 'Calle Mayor', houseNumber: '5', line1: 'Calle Mayor 5' });
    // A read-modify-write that changed only line1 must not keep the old street silently.
    const error = await failure(
      adapter.updateAddress(
        byId(value.id),
        address.id,
        { line1: 'Gran Vía 1', street: 'Calle Mayor', houseNumber: '5' },
        {},
        ctx,
      ),
    );
    expect(error).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'line1', message: expect.stringContaining('Calle Mayor 5') }],
    });
    expect(emulator.backdoor.readCustomer(Number(value.id))!.addresses[0]).toMatchObject({
      street: 'Calle Mayor',
      houseNumber: '5',
    });
    const moved = await adapter.updateAddress(
      byId(value.id),
      address.id,
      { line1: 'Gran Vía 1', street: 'Gran Vía', houseNumber: '1' },
      {},
      ctx,
    );
    expect(moved.value).toMatchObject({ line1: 'Gran Vía 1', street: 'Gran Vía', houseNumber: '1' });
  });

  it('cannot delete an address or check a shopper password: no methods, and hints that name the alternatives', async () => {
    const { adapter } = setup();
    expect(adapter.capabilities).toMatchObject({ addressDelete: false, shopperLogin: false });
    expect(adapter.deleteAddress).toBeUndefined();
    expect(adapter.authenticateShopper).toBeUndefined();
    expect(adapter.capabilityHints?.addressDelete).toMatch(/anonymize/);
    expect(adapter.capabilityHints?.shopperLogin).toMatch(/Storefront API/);
  });

  it('deletes a customer', async () => {
    const { emulator, adapter } = setup();
    const { value } = await adapter.createCustomer(customerInput(), testContext().ctx);
    await adapter.deleteCustomer(byId(value.id), testContext().ctx);
    expect(emulator.backdoor.readCustomer(Number(value.id))).toBeUndefined();
  });
});

describe('scayle adapter reads and pages', () => {
  it('maps the seeded demo data', async () => {
    const { adapter } = setup({});
    const max = await adapter.getCustomer(
      { kind: 'externalRef', externalRef: 'crm-2001' },
      { expandAddresses: true },
      testContext().ctx,
    );
    expect(max.value).toMatchObject({
      customerNo: 'customer-2001',
      gender: 'male',
      groups: ['employee'],
      custom: { score: { result: 'green' } },
    });
    expect(max.value.addresses![1]).toMatchObject({
      line1: 'Domstraße 1',
      collectionPoint: { type: 'hermes_parcelshop' },
    });
  });

  it('pages customers with SCAYLE cursors and rejects a position that is not one', async () => {
    const { adapter } = setup({});
    const { ctx } = testContext();
    const ids: string[] = [];
    let position: unknown;
    do {
      const page = await adapter.listCustomers({ limit: 1, position }, ctx);
      ids.push(...page.items.map((c) => c.id));
      position = page.next ?? undefined;
    } while (position !== undefined);
    expect(ids).toEqual(['1', '2', '3', '4']);
    expect((await failure(adapter.listCustomers({ limit: 1, position: 7 }, ctx))).errors).toEqual([
      { path: 'query.cursor', message: expect.any(String) },
    ]);
  });

  it('pages addresses itself (SCAYLE lists them without a cursor)', async () => {
    const { adapter } = setup({});
    const { ctx } = testContext();
    const first = await adapter.listAddresses(byId('1'), { limit: 1 }, ctx);
    expect(first).toMatchObject({ next: 1, total: 2 });
    const second = await adapter.listAddresses(byId('1'), { limit: 1, position: first.next }, ctx);
    expect(second.next).toBeNull();
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    expect((await failure(adapter.listAddresses(byId('1'), { limit: 1, position: 'abc' }, ctx))).errors![0]!.path).toBe(
      'query.cursor',
    );
  });

  it('filters by email and externalRef, and still filters by email when SCAYLE ignores filters[email]', async () => {
    const emulator = createScayleEmulator();
    // A tenant that does not know the undocumented filter: the parameter is dropped on the way.
    const ignoring: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.searchParams.delete('filters[email]');
      return emulator.fetch(input instanceof Request ? new Request(url, input) : url, init);
    };
    for (const fetch of [emulator.fetch, ignoring]) {
      const adapter = createScayleAdapter(scayleBackend.parseOptions(emulator.connectionEnv(ORIGIN)), { fetch });
      const page = await adapter.listCustomers({ limit: 20, email: 'ERIKA.musterfrau@example.at' }, testContext().ctx);
      expect(page.items.map((c) => c.email)).toEqual(['erika.musterfrau@example.at']);
    }
    const adapter = createScayleAdapter(scayleBackend.parseOptions(emulator.connectionEnv(ORIGIN)), {
      fetch: emulator.fetch,
    });
    expect(
      (await adapter.listCustomers({ limit: 20, externalRef: 'crm-2001' }, testContext().ctx)).items.map((c) => c.id),
    ).toEqual(['1']);
    // SCAYLE splits filters at commas (and trims): neither may widen the match to other customers.
    expect(
      (await adapter.listCustomers({ limit: 20, externalRef: 'crm-2001,crm-2002' }, testContext().ctx)).items,
    ).toEqual([]);
    expect((await adapter.listCustomers({ limit: 20, externalRef: ' crm-2001' }, testContext().ctx)).items).toEqual([]);
    expect(
      (
        await adapter.listCustomers({ limit: 20, updatedSince: '2021-01-01T00:00:00+02:00' }, testContext().ctx)
      ).items.map((c) => c.id),
    ).toEqual(['2', '4']);
  });
});

describe('scayle adapter under failure', () => {
  it('maps a wrong access token to upstream_auth_failed (502) without the token', async () => {
    const { adapter } = setup({}, { accessToken: 'wrong-token-value' });
    const error = await failure(adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx));
    expect(error).toMatchObject({ code: 'upstream_auth_failed', status: 502 });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('wrong-token-value');
    expect(error.message).not.toContain(SCAYLE_EMULATOR_TOKEN);
  });

  it('turns SCAYLE field errors and conflicts into canonical paths', async () => {
    const { adapter } = setup();
    const { ctx } = testContext();
    const { value } = await adapter.createCustomer(customerInput(), ctx);
    const conflict = await failure(adapter.createCustomer(customerInput({ email: value.email }), ctx));
    expect(conflict).toMatchObject({
      code: 'conflict',
      errors: [{ path: 'email' }],
      upstream: { status: 409, code: 'CUSTOMER_EMAIL_ALREADY_EXISTS' },
    });
    // SCAYLE takes at most 20 characters of zip code; the canonical model allows 32. Refused before
    // the customer is created (limits.ts), not after it, by the address call.
    const invalid = await failure(
      adapter.createCustomer(customerInput({ addresses: [addressInput({ postalCode: '1'.repeat(25) })] }), ctx),
    );
    expect(invalid).toMatchObject({ code: 'validation_failed', errors: [{ path: 'addresses.0.postalCode' }] });
    expect(invalid.created).toBeUndefined();
    const single = await failure(
      adapter.createAddress(byId(value.id), addressInput({ postalCode: '1'.repeat(25) }), ctx),
    );
    expect(single.errors).toEqual([{ path: 'postalCode', message: expect.any(String) }]);
  });

  it('copies the upstream budget onto the answer and maps a 429 with Retry-After from X-RateLimit-Reset', async () => {
    const { adapter } = setup({ seed: true, rateLimit: { limit: 2, windowSeconds: 60 } }, { retryLimit: 0 });
    const first = testContext();
    await adapter.getCustomer(byId('1'), { expandAddresses: false }, first.ctx);
    expect(Object.fromEntries(first.headers)).toEqual({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'ratelimit-reset': expect.stringMatching(/^\d+$/),
    });
    await adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx);
    const third = testContext();
    const error = await failure(adapter.getCustomer(byId('1'), { expandAddresses: false }, third.ctx));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, upstream: { code: 'RATE_LIMIT_EXCEED' } });
    expect(error.retryAfter).toBeGreaterThan(50);
    expect(third.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('retries an idempotent read after a short 429 or a 503, not a create', async () => {
    const { emulator, adapter } = setup({});
    emulator.faults.inject({ method: 'GET', rateLimitSeconds: 0, times: 1 });
    expect((await adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx)).value.id).toBe('1');
    emulator.faults.inject({ method: 'GET', status: 503, times: 1 });
    expect((await adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx)).value.id).toBe('1');
    emulator.faults.inject({ method: 'POST', status: 503, times: 1 });
    expect((await failure(adapter.createCustomer(customerInput(), testContext().ctx))).code).toBe(
      'upstream_unavailable',
    );
    expect(emulator.backdoor.readAll()).toHaveLength(4);
  });

  it('reports malformed bodies and dropped connections as upstream faults', async () => {
    const { emulator, adapter } = setup({}, { retryLimit: 0 });
    emulator.faults.inject({ malformed: true, times: 1 });
    expect((await failure(adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx))).code).toBe(
      'upstream_contract_violation',
    );
    emulator.faults.inject({ drop: true, times: 1 });
    expect((await failure(adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx))).code).toBe(
      'upstream_unavailable',
    );
  });

  it('flags an answer that is not SCAYLE’s shape', async () => {
    const shapeless: typeof fetch = async () =>
      new Response(JSON.stringify({ id: 'x' }), { headers: { 'content-type': 'application/json' } });
    const adapter: CustomerAdapter = createScayleAdapter(
      scayleBackend.parseOptions(createScayleEmulator().connectionEnv(ORIGIN)),
      { fetch: shapeless },
    );
    expect((await failure(adapter.getCustomer(byId('1'), { expandAddresses: false }, testContext().ctx))).code).toBe(
      'upstream_contract_violation',
    );
  });
});
