import { describe, expect, it } from 'vitest';
import { createSfccAdapter, sfccBackend } from '../../../adapters/sfcc/index.js';
import { DEFAULT_OAUTH_URL } from '../../../adapters/sfcc/options.js';
import { ConfigError } from '../../../adapters/errors.js';
import { createSfccEmulator } from '../../../emulators/sfcc/index.js';
import { addressInput, byId, capturingLog, customerInput, failure, ORIGIN, setup } from './helpers.js';

describe('sfcc configuration', () => {
  const env = createSfccEmulator({ seed: false }).connectionEnv(ORIGIN);

  it('names the missing or bad variable, never its value', () => {
    expect(() => sfccBackend.parseOptions({ ...env, SFCC_CLIENT_SECRET: undefined })).toThrow(/SFCC_CLIENT_SECRET/);
    expect(() => sfccBackend.parseOptions({ ...env, SFCC_CUSTOMER_LIST: undefined })).toThrow(/SFCC_CUSTOMER_LIST/);
    expect(() => sfccBackend.parseOptions({ ...env, SFCC_DATA_BASE_URL: undefined })).toThrow(/SFCC_DATA_BASE_URL/);
    try {
      sfccBackend.parseOptions({ ...env, SFCC_EXTERNAL_REF_ATTRIBUTE: 'crm-secret-ish' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('SFCC_EXTERNAL_REF_ATTRIBUTE');
      expect((error as Error).message).not.toContain('crm-secret-ish');
    }
  });

  it('defaults the Account Manager URL and the external-ref attribute; Data API is optional', () => {
    const options = sfccBackend.parseOptions({
      SFCC_BASE_URL: 'https://x.example/s/Site/dw/shop/v20_4/',
      SFCC_CLIENT_ID: 'id',
      SFCC_CLIENT_SECRET: 's',
    });
    expect(options).toMatchObject({
      baseUrl: 'https://x.example/s/Site/dw/shop/v20_4',
      oauthUrl: DEFAULT_OAUTH_URL,
      externalRefAttribute: 'c_externalRef',
      data: undefined,
    });
  });
});

describe('sfcc adapter writes what OCAPI stores', () => {
  it('registers (login = email), then patches the profile and creates the addresses', async () => {
    const { adapter, emulator, ctx } = setup();
    const input = customerInput({
      password: 'Str0ng!Passw0rd',
      firstName: 'Jane',
      gender: 'female',
      externalRef: 'CRM-7',
      phones: { mobile: '0170 1' },
      custom: { origin: 'gateway' },
      addresses: [
        addressInput({ id: 'home', isDefaultBilling: true, isDefaultShipping: true }),
        addressInput({ line1: 'Ringstraße 9' }),
      ],
    });
    const created = await adapter.createCustomer(input, ctx);
    expect(created.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(created.value).toMatchObject({
      email: input.email,
      login: input.email,
      firstName: 'Jane',
      gender: 'female',
      externalRef: 'CRM-7',
      custom: { origin: 'gateway' },
    });
    const stored = emulator.backdoor.readCustomer(created.value.id)!;
    expect(stored).toMatchObject({
      login: input.email,
      email: input.email,
      last_name: 'Roe',
      first_name: 'Jane',
      gender: 2,
      phone_mobile: '0170 1',
      c_externalRef: 'CRM-7',
      c_origin: 'gateway',
      enabled: true,
    });
    expect(emulator.backdoor.readPassword(created.value.id)).toBe('Str0ng!Passw0rd');
    const addresses = emulator.backdoor.readAddresses(created.value.id);
    expect(addresses.map((a) => [a.address_id, a.preferred])).toEqual([
      ['home', true],
      [expect.stringMatching(/^address-[0-9a-f]{8}$/), false],
    ]);
    expect(created.value.addresses?.[0]).toMatchObject({ id: 'home', isDefaultBilling: true, isDefaultShipping: true });
  });

  it('registers without a password over OAuth (OCAPI refuses a password there)', async () => {
    const { adapter, emulator, ctx, sent } = setup();
    const created = await adapter.createCustomer(customerInput({ active: false }), ctx);
    expect(emulator.backdoor.readPassword(created.value.id)).toBeUndefined();
    expect(emulator.backdoor.readCustomer(created.value.id)?.enabled).toBe(false);
    expect(created.value.status).toEqual({ active: false, guest: false });
    expect(sent.some((r) => r.url.pathname.endsWith('/customers/auth'))).toBe(false);
  });

  it('a PATCH with a new login another customer holds: 409 with nothing written; a stale If-Match writes nothing', async () => {
    const { adapter, emulator, ctx } = setup();
    const mine = await adapter.createCustomer(customerInput({ firstName: 'Mine' }), ctx);
    const theirs = await adapter.createCustomer(customerInput({ externalRef: `crm-${Date.now()}` }), ctx);
    const byMine = byId(mine.value.id);
    // Held in another case: SFCC keeps logins unique regardless of case.
    const taken = await failure(
      adapter.updateCustomer(byMine, { firstName: 'Changed', login: theirs.value.login!.toUpperCase() }, {}, ctx),
    );
    expect(taken.code).toBe('conflict');
    expect(taken.errors).toEqual([{ path: 'login', message: 'already used' }]);
    expect(taken.created).toBeUndefined();
    expect(emulator.backdoor.readCustomer(mine.value.id)).toMatchObject({
      first_name: 'Mine',
      login: mine.value.login,
    });

    const stale = await failure(
      adapter.updateCustomer(byMine, { firstName: 'Lost', login: 'new.login' }, { ifMatch: '"0000"' }, ctx),
    );
    expect(stale.code).toBe('precondition_failed');
    // Stale and taken at once: the precondition is answered first (a 412, not a 409), as for an externalRef.
    for (const change of [{ login: theirs.value.login! }, { externalRef: theirs.value.externalRef! }]) {
      const both = await failure(adapter.updateCustomer(byMine, change, { ifMatch: 'W/"0000", "1111"' }, ctx));
      expect(both.code, Object.keys(change)[0]).toBe('precondition_failed');
    }
    expect(emulator.backdoor.readCustomer(mine.value.id)).toMatchObject({
      first_name: 'Mine',
      login: mine.value.login,
    });

    const current = await adapter.getCustomer(byMine, { expandAddresses: false }, ctx);
    const changed = await adapter.updateCustomer(
      byMine,
      { firstName: 'Renamed', login: 'new.login' },
      { ifMatch: current.etag },
      ctx,
    );
    expect(changed.value).toMatchObject({ firstName: 'Renamed', login: 'new.login' });
    expect(emulator.backdoor.readCustomer(mine.value.id)).toMatchObject({ first_name: 'Renamed', login: 'new.login' });
  });

  it('a login taken between the check and the write (a race): 409 saying what was written', async () => {
    const { emulator, options, ctx, adapter } = setup();
    const mine = await adapter.createCustomer(customerInput({ firstName: 'Mine' }), ctx);
    const wanted = 'raced@example.com';
    // Another customer takes the login just as the Shop API PATCH goes out (after the search said free).
    const racing = createSfccAdapter(options, {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.method === 'PATCH' && new URL(request.url).pathname.includes('/shop/'))
          emulator.backdoor.seed([{ customer: { login: wanted, email: wanted, last_name: 'Other' } }]);
        return emulator.fetch(request);
      },
      log: capturingLog([]),
    });
    const taken = await failure(
      racing.updateCustomer(byId(mine.value.id), { firstName: 'Changed', login: wanted }, {}, ctx),
    );
    expect(taken.code).toBe('conflict');
    expect(taken.message).toContain('the login was not changed, but the rest of the change was written: firstName');
    // Named by the id the caller knows, not by its customer number (the Data API's key).
    expect(taken.message).toContain(`the login of customer ${mine.value.id}`);
    expect(taken.created).toEqual({ customerId: mine.value.id, updated: ['firstName'] });
    expect(emulator.backdoor.readCustomer(mine.value.id)).toMatchObject({
      first_name: 'Changed',
      login: mine.value.login,
    });
  });

  it('a registered email (the login) is a 409 naming email; a used externalRef is a 409 too', async () => {
    const { adapter, emulator, ctx } = setup();
    const first = await adapter.createCustomer(customerInput({ externalRef: 'DUP-1' }), ctx);
    const again = await failure(adapter.createCustomer(customerInput({ email: first.value.email }), ctx));
    expect(again).toMatchObject({
      code: 'conflict',
      errors: [{ path: 'email', message: 'already used' }],
      upstream: { code: 'LoginAlreadyInUseException' },
    });
    const ref = await failure(adapter.createCustomer(customerInput({ externalRef: 'DUP-1' }), ctx));
    expect(ref).toMatchObject({ code: 'conflict', errors: [{ path: 'externalRef' }] });
    expect(emulator.backdoor.readAll()).toHaveLength(1);
  });

  it('says what was created when an address step fails', async () => {
    const { adapter, emulator, ctx } = setup();
    emulator.backdoor.failHook({
      method: 'POST',
      path: '/addresses',
      extensionPoint: 'dw.ocapi.shop.customer.addresses.beforePOST',
      statusCode: 'GEO',
      statusMessage: 'Address could not be verified.',
    });
    const error = await failure(
      adapter.createCustomer(customerInput({ addresses: [addressInput({ id: 'a1' })] }), ctx),
    );
    expect(error.code).toBe('rejected');
    expect(error.message).toContain('Address could not be verified.');
    const customerId = (error.created as { customerId: string }).customerId;
    expect(emulator.backdoor.readCustomer(customerId)).toBeDefined();
    expect(emulator.backdoor.readAddresses(customerId)).toEqual([]);
  });

  it('refuses what it cannot store before writing anything', async () => {
    const { adapter, emulator, ctx } = setup();
    const error = await failure(
      adapter.createCustomer(
        customerInput({
          gender: 'diverse',
          addresses: [addressInput({ collectionPoint: { key: 'k', type: 'locker' } })],
        }),
        ctx,
      ),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map((e) => e.path).sort()).toEqual(['addresses.0.collectionPoint', 'gender']);
    expect(emulator.backdoor.readAll()).toEqual([]);
  });

  it('patches with If-Match passed through: 412 on a stale ETag, quoted current one accepted', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(customerInput({ custom: { a: 1, b: 2 } }), ctx);
    const id = byId(created.value.id);
    const next = await adapter.updateCustomer(
      id,
      { firstName: 'Ann', custom: { b: 3 } },
      { ifMatch: created.etag },
      ctx,
    );
    expect(next.etag).not.toBe(created.etag);
    expect(emulator.backdoor.readCustomer(created.value.id)).toMatchObject({ first_name: 'Ann', c_b: 3 });
    expect(emulator.backdoor.readCustomer(created.value.id)).not.toHaveProperty('c_a');
    const stale = await failure(adapter.updateCustomer(id, { firstName: 'Lost' }, { ifMatch: created.etag }, ctx));
    expect(stale.code).toBe('precondition_failed');
    const cleared = await adapter.updateCustomer(id, { firstName: null }, { ifMatch: `W/${next.etag}` }, ctx);
    expect(cleared.value.firstName).toBeUndefined();
    expect(emulator.backdoor.readCustomer(created.value.id)).not.toHaveProperty('first_name');
  });

  it('refuses an empty string in custom, which OCAPI would take as "no value", before writing anything', async () => {
    const { adapter, emulator, ctx } = setup();
    const refused = await failure(adapter.createCustomer(customerInput({ custom: { note: '', kept: 'x' } }), ctx));
    expect(refused.errors).toEqual([{ path: 'custom.note', message: expect.stringContaining('send null') }]);
    expect(emulator.backdoor.readAll()).toHaveLength(0);
    const created = await adapter.createCustomer(customerInput({ custom: { note: 'n' } }), ctx);
    const patch = await failure(adapter.updateCustomer(byId(created.value.id), { custom: { note: '' } }, {}, ctx));
    expect(patch.errors?.map((e) => e.path)).toEqual(['custom.note']);
    expect(emulator.backdoor.readCustomer(created.value.id)).toMatchObject({ c_note: 'n' });
  });

  it('a customization hook refusing a change → 422 rejected with its message', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(customerInput(), ctx);
    emulator.backdoor.failHook({
      method: 'PATCH',
      extensionPoint: 'dw.ocapi.shop.customer.beforePatchCustomer',
      statusCode: 'CRM_LOCK',
      statusMessage: 'Profile is locked by CRM.',
    });
    const error = await failure(adapter.updateCustomer(byId(created.value.id), { firstName: 'X' }, {}, ctx));
    expect(error).toMatchObject({ code: 'rejected', status: 422, upstream: { status: 400, code: 'CRM_LOCK' } });
    expect(error.message).toContain('Profile is locked by CRM.');
  });

  it('cannot delete customers (no method; the hint says what instead); unknown and over-long ids are 404', async () => {
    const { adapter, ctx, sent } = setup();
    expect(adapter.capabilities.customerDelete).toBe(false);
    expect(adapter.deleteCustomer).toBeUndefined();
    expect(adapter.capabilityHints?.customerDelete).toContain('"active": false');
    expect(
      (await failure(adapter.getCustomer(byId('abcdefghijklmnopqrstuvwxyz'), { expandAddresses: false }, ctx))).code,
    ).toBe('not_found');
    const before = sent.length;
    expect((await failure(adapter.getCustomer(byId('x'.repeat(29)), { expandAddresses: false }, ctx))).code).toBe(
      'not_found',
    );
    expect(sent.length).toBe(before);
  });
});

describe('sfcc passwords', () => {
  it('with the current password: signs in as the shopper and PUTs the new one', async () => {
    const { adapter, emulator, ctx, sent } = setup();
    const created = await adapter.createCustomer(customerInput({ password: 'Str0ng!Passw0rd' }), ctx);
    await adapter.setPassword(
      byId(created.value.id),
      { currentPassword: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd-2' },
      ctx,
    );
    expect(emulator.backdoor.readPassword(created.value.id)).toBe('N3w!Passw0rd-2');
    const put = sent.find((r) => r.method === 'PUT')!;
    expect(put.headers.get('authorization')).toMatch(/^Bearer ey/); // the shopper's JWT, not the client token
  });

  it('a wrong current password is a 400 on currentPassword and changes nothing', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(customerInput({ password: 'Str0ng!Passw0rd' }), ctx);
    const error = await failure(
      adapter.setPassword(byId(created.value.id), { currentPassword: 'nope-nope', password: 'N3w!Passw0rd-2' }, ctx),
    );
    expect(error).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'currentPassword', message: 'does not match' }],
    });
    expect(emulator.backdoor.readPassword(created.value.id)).toBe('Str0ng!Passw0rd');
  });

  it('without the current password: sets it server-side with a reset token', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(customerInput(), ctx);
    await adapter.setPassword(byId(created.value.id), { password: 'Fresh!Passw0rd' }, ctx);
    expect(emulator.backdoor.readPassword(created.value.id)).toBe('Fresh!Passw0rd');
    const weak = await failure(adapter.setPassword(byId(created.value.id), { password: 'short' }, ctx));
    expect(weak).toMatchObject({ code: 'validation_failed', errors: [{ path: 'password' }] });
  });

  it('a new password the site policy refuses (putPassword hook status) → 400 naming password, in its words', async () => {
    const { adapter, ctx } = setup();
    const created = await adapter.createCustomer(customerInput({ password: 'Str0ng!Passw0rd' }), ctx);
    const error = await failure(
      adapter.setPassword(byId(created.value.id), { currentPassword: 'Str0ng!Passw0rd', password: 'short' }, ctx),
    );
    expect(error).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(error.message).toContain("doesn't match the acceptance criteria");
    expect(error.errors).toEqual([{ path: 'password', message: expect.stringContaining('acceptance criteria') }]);
  });
});

describe('sfcc addresses', () => {
  it('renames via PATCH: follows the 301 and answers the address under its new id', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(
      customerInput({ addresses: [addressInput({ id: 'old' }), addressInput({ id: 'taken' })] }),
      ctx,
    );
    const id = byId(created.value.id);
    const renamed = await adapter.updateAddress(id, 'old', { id: 'new', city: 'Potsdam' }, {}, ctx);
    expect(renamed.value).toMatchObject({ id: 'new', city: 'Potsdam' });
    expect(emulator.backdoor.readAddresses(created.value.id).map((a) => a.address_id)).toEqual(['new', 'taken']);
    const clash = await failure(adapter.updateAddress(id, 'new', { id: 'taken' }, {}, ctx));
    expect(clash).toMatchObject({ code: 'conflict', errors: [{ path: 'id' }] });
  });

  it('duplicate names are 409; unknown addresses 404; If-Match on addresses is honoured', async () => {
    const { adapter, ctx } = setup();
    const created = await adapter.createCustomer(customerInput(), ctx);
    const id = byId(created.value.id);
    const address = await adapter.createAddress(id, addressInput({ id: 'home' }), ctx);
    expect((await failure(adapter.createAddress(id, addressInput({ id: 'home' }), ctx))).code).toBe('conflict');
    expect((await failure(adapter.getAddress(id, 'nope', ctx))).code).toBe('not_found');
    expect((await failure(adapter.updateAddress(id, 'nope', { city: 'X' }, {}, ctx))).code).toBe('not_found');
    expect((await failure(adapter.deleteAddress(id, 'nope', ctx))).code).toBe('not_found');
    await adapter.updateAddress(id, 'home', { city: 'Bonn' }, { ifMatch: address.etag }, ctx);
    expect(
      (await failure(adapter.updateAddress(id, 'home', { city: 'Köln' }, { ifMatch: address.etag }, ctx))).code,
    ).toBe('precondition_failed');
  });

  it('lengths count characters as the spec does: a 256-character name outside the BMP round-trips', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(customerInput(), ctx);
    const id = byId(created.value.id);
    const name = '𝒳'.repeat(256); // 512 UTF-16 units
    await adapter.createAddress(id, addressInput({ id: name, line1: '𝒳'.repeat(256) }), ctx);
    expect((await adapter.getAddress(id, name, ctx)).value).toMatchObject({ id: name, line1: '𝒳'.repeat(256) });
    await adapter.deleteAddress(id, name, ctx);
    expect(emulator.backdoor.readAddresses(created.value.id)).toEqual([]);
  });

  it('one preferred address: setting a default moves it', async () => {
    const { adapter, emulator, ctx } = setup();
    const created = await adapter.createCustomer(
      customerInput({
        addresses: [
          addressInput({ id: 'a', isDefaultBilling: true, isDefaultShipping: true }),
          addressInput({ id: 'b' }),
        ],
      }),
      ctx,
    );
    await adapter.updateAddress(byId(created.value.id), 'b', { isDefaultShipping: true }, {}, ctx);
    expect(emulator.backdoor.readAddresses(created.value.id).map((a) => [a.address_id, a.preferred])).toEqual([
      ['b', true],
      ['a', false],
    ]);
  });

  it('pages with start/count, preferred first; positions past 999 or not numbers are refused', async () => {
    const { adapter, ctx } = setup();
    const created = await adapter.createCustomer(
      customerInput({
        addresses: ['c', 'a', 'd', 'b'].map((name) => addressInput({ id: name, isDefaultBilling: name === 'd' })),
      }),
      ctx,
    );
    const id = byId(created.value.id);
    const seen: string[] = [];
    let position: unknown;
    do {
      const page = await adapter.listAddresses(id, { limit: 3, position }, ctx);
      expect(page.total).toBe(4);
      seen.push(...page.items.map((a) => a.id));
      position = page.next;
    } while (position !== null);
    expect(seen).toEqual(['d', 'a', 'b', 'c']);
    for (const bad of [1000, -1, 'x', { start: 1 }]) {
      expect(await failure(adapter.listAddresses(id, { limit: 3, position: bad }, ctx))).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: 'query.cursor' }],
      });
    }
  });
});

describe('sfcc listing and ref: lookups (Data API)', () => {
  it('pages through customer_search with total; filters by email and externalRef', async () => {
    const { adapter, ctx } = setup({ emulator: { seed: true } });
    const ids: string[] = [];
    let position: unknown;
    let pages = 0;
    do {
      const page = await adapter.listCustomers!({ limit: 2, position }, ctx);
      expect(page.total).toBe(5);
      ids.push(...page.items.map((c) => c.id));
      position = page.next;
      pages++;
    } while (position !== null);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(5);
    const byEmail = await adapter.listCustomers!({ limit: 10, email: 'ERIKA.mustermann@example.de' }, ctx);
    expect(byEmail.items.map((c) => c.lastName)).toEqual(['Mustermann']);
    const byRef = await adapter.listCustomers!({ limit: 10, externalRef: 'CRM-1004' }, ctx);
    expect(byRef.items).toEqual([
      expect.objectContaining({ login: 'mario.rossi', status: { active: false, guest: false } }),
    ]);
    const since = await adapter.listCustomers!({ limit: 10, updatedSince: '2022-01-01T00:00:00+01:00' }, ctx);
    expect(since.items.map((c) => c.lastName)).toEqual(['Rossi', 'Tanaka']);
  });

  it('skips no one when customers already listed are deleted between pages (a migration deleting what it moved)', async () => {
    const { adapter, ctx, emulator } = setup({ emulator: { seed: true } });
    const everyone = (await adapter.listCustomers!({ limit: 10 }, ctx)).items.map((c) => c.id);
    expect(everyone).toHaveLength(5);
    const seen: string[] = [];
    let position: unknown;
    do {
      const page = await adapter.listCustomers!({ limit: 2, position }, ctx);
      seen.push(...page.items.map((c) => c.id));
      // What was read is deleted on the platform before the next page: OCAPI's `start` would now skip.
      for (const customer of page.items) expect(emulator.backdoor.removeCustomer(customer.id)).toBe(true);
      expect(page.total).toBe(5);
      position = page.next;
    } while (position !== null);
    expect(seen).toEqual(everyone);
  });

  it('still takes a cursor position written before keyset paging (OCAPI start), and goes on by customer_no', async () => {
    const { adapter, ctx } = setup({ emulator: { seed: true } });
    const everyone = (await adapter.listCustomers!({ limit: 10 }, ctx)).items.map((c) => c.id);
    const fromStart = await adapter.listCustomers!({ limit: 2, position: 2 }, ctx);
    expect(fromStart.items.map((c) => c.id)).toEqual(everyone.slice(2, 4));
    expect(fromStart.total).toBe(5);
    const rest = await adapter.listCustomers!({ limit: 2, position: fromStart.next }, ctx);
    expect(rest.items.map((c) => c.id)).toEqual(everyone.slice(4));
    expect(rest.next).toBeNull();
  });

  it('looks customers up by externalRef through the configured attribute', async () => {
    const { adapter, emulator, ctx } = setup({ env: { SFCC_EXTERNAL_REF_ATTRIBUTE: 'c_crmId' } });
    const [stored] = emulator.backdoor.seed([
      {
        customer: {
          login: 'x@example.com',
          email: 'x@example.com',
          last_name: 'X',
          c_crmId: 'K-9',
          c_externalRef: 'other',
        },
      },
    ]);
    const found = await adapter.getCustomer(
      { kind: 'externalRef', externalRef: 'K-9' },
      { expandAddresses: false },
      ctx,
    );
    expect(found.value).toMatchObject({
      id: stored!.customer_id,
      externalRef: 'K-9',
      custom: { externalRef: 'other' },
    });
    expect(found.etag).toMatch(/^".+"$/);
    expect(
      (
        await failure(
          adapter.getCustomer({ kind: 'externalRef', externalRef: 'nope' }, { expandAddresses: false }, ctx),
        )
      ).code,
    ).toBe('not_found');
  });

  it('without SFCC_DATA_BASE_URL / SFCC_CUSTOMER_LIST: capabilities say so, no listCustomers, and ref: is 501 naming them', async () => {
    const { adapter, ctx } = setup({ data: false });
    expect(adapter.capabilities).toMatchObject({ listCustomers: false, externalRefLookup: false });
    expect(adapter.listCustomers).toBeUndefined();
    expect(adapter.capabilityHints?.listCustomers).toMatch(/SFCC_DATA_BASE_URL.*SFCC_CUSTOMER_LIST/);
    expect(
      (await failure(adapter.getCustomer({ kind: 'externalRef', externalRef: 'x' }, { expandAddresses: false }, ctx)))
        .code,
    ).toBe('not_supported');
  });
});

describe('sfcc under upstream faults', () => {
  it('429 → rate_limited with Retry-After; 5xx → upstream_error; dropped → upstream_unavailable; truncated → contract violation', async () => {
    const { adapter, emulator, ctx } = setup({ emulator: { seed: true } });
    await adapter.listCustomers!({ limit: 1 }, ctx); // token cached; faults below hit the Shop API
    emulator.faults.inject({ path: '/dw/shop/', rateLimitSeconds: 30, times: 1 });
    expect(await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, ctx))).toMatchObject({
      code: 'rate_limited',
      retryAfter: 30,
    });
    emulator.faults.inject({ path: '/dw/shop/', status: 500, times: 1 });
    expect((await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, ctx))).code).toBe(
      'upstream_error',
    );
    emulator.faults.inject({ path: '/dw/shop/', drop: true, times: 1 });
    expect((await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, ctx))).code).toBe(
      'upstream_unavailable',
    );
    emulator.faults.inject({ path: '/dw/shop/', malformed: true, times: 1 });
    expect((await failure(adapter.getCustomer(byId('abc'), { expandAddresses: false }, ctx))).code).toBe(
      'upstream_contract_violation',
    );
  });

  it('retries an idempotent read through a short 503', async () => {
    const { adapter, emulator, ctx } = setup({ emulator: { seed: true }, options: { retryLimit: 2 } });
    const [first] = (await adapter.listCustomers!({ limit: 1 }, ctx)).items;
    emulator.faults.inject({ path: '/dw/shop/', status: 503, times: 1 });
    const read = await adapter.getCustomer(byId(first!.id), { expandAddresses: false }, ctx);
    expect(read.value.id).toBe(first!.id);
  });
});
