import { describe, expect, it } from 'vitest';
import { specProblems } from './fixtures/spec-check.js';
import { addressInput, byId, customerInput, failure, setup } from './helpers.js';

/**
 * Issue 11 point 3: every request the scapi adapter sends is one the three SCAPI specs allow.
 * Drive every adapter method (happy paths and the awkward ones: clears, custom replacement, both
 * registration routes, both password flows, shopper login, ref lookups, keyset paging, failures)
 * and check each recorded request against the hand-written list in fixtures/scapi-allowed.ts.
 */
describe('scapi requests conform to the Admin Customers, Shopper Customers and SLAS specs', () => {
  it('sends only declared operations, parameters and body properties, within their byte lengths', async () => {
    const { adapter, ctx, sent, options, emulator } = setup();
    const created = await adapter.createCustomer(
      customerInput({
        password: 'Str0ng!Passw0rd',
        externalRef: 'EXT-SPEC-1',
        gender: 'female',
        birthDate: '1990-05-17',
        title: 'Dr.',
        phones: { primary: '+49 30 1234', mobile: '+49 170 1234', fax: '+49 30 9999' },
        custom: { origin: 'spec', score: 3, tags: ['a', 'b'] },
        addresses: [
          addressInput({ isDefaultBilling: true, isDefaultShipping: true }),
          addressInput({ id: 'work', line2: 'Hinterhaus', phone: '+49 30 5555' }),
        ],
      }),
      ctx,
    );
    const id = byId(created.value.id);
    const plain = await adapter.createCustomer(
      customerInput({ login: 'plain-login', active: false, lastName: 'é'.repeat(128) }),
      ctx,
    );
    await adapter.getCustomer(id, { expandAddresses: true }, ctx);
    await adapter.getCustomer({ kind: 'externalRef', externalRef: 'EXT-SPEC-1' }, { expandAddresses: false }, ctx);
    await adapter.updateCustomer(
      id,
      {
        firstName: null,
        phones: { mobile: '+49 171 0000' },
        custom: { origin: 'patched' },
        active: true,
        login: 'new-login@example.com',
        externalRef: 'EXT-SPEC-2',
      },
      {},
      ctx,
    );
    await adapter.updateCustomer(id, { custom: null, externalRef: null, gender: 'male' }, {}, ctx);
    await adapter.deleteCustomer(byId(plain.value.id), ctx);
    await adapter.listCustomers({ limit: 2 }, ctx);
    await adapter.listCustomers({ limit: 200, position: 1, email: created.value.email }, ctx);
    await adapter.listCustomers({ limit: 5, externalRef: 'EXT-SPEC-2', position: { after: '00000001' } }, ctx);
    const page = await adapter.listAddresses(id, { limit: 1 }, ctx);
    await adapter.listAddresses(id, { limit: 200, position: page.next ?? 0 }, ctx);
    const made = await adapter.createAddress(
      id,
      addressInput({ line1: 'Ringstraße 9', stateCode: 'BE', suite: '3a', postBox: 'PF 12', isDefaultShipping: true }),
      ctx,
    );
    await adapter.getAddress(id, made.value.id, ctx);
    await adapter.updateAddress(id, 'work', { line2: null, isDefaultBilling: true, fullName: 'Jane Roe' }, {}, ctx);
    await adapter.deleteAddress(id, made.value.id, ctx);
    await adapter.setPassword(id, { currentPassword: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd-2' }, ctx);
    await adapter.setPassword(id, { password: 'Third!Passw0rd-3' }, ctx);
    expect(emulator.backdoor.readPassword(created.value.id)).toBe('Third!Passw0rd-3');
    await adapter.authenticateShopper!({ email: 'new-login@example.com', password: 'Third!Passw0rd-3' }, ctx);
    // Failing paths send requests too.
    await failure(adapter.getCustomer(byId('nope'), { expandAddresses: false }, ctx));
    await failure(adapter.createAddress(id, addressInput({ id: 'work' }), ctx));
    await failure(adapter.setPassword(id, { currentPassword: 'wrong-password', password: 'X!Passw0rd-4' }, ctx));
    await failure(adapter.authenticateShopper!({ email: 'new-login@example.com', password: 'wrong' }, ctx));

    const shape = (path: string) =>
      path
        .replace(/(customer-lists\/[^/]+\/customers|organizations\/[^/]+\/customers)\/(?!password\/)[^/]+/, '$1/{no}')
        .replace(/addresses\/[^/]+/, 'addresses/{id}');
    const kinds = new Set(sent.map((r) => `${r.method} ${shape(r.url.pathname)}`));
    expect(kinds.size).toBeGreaterThanOrEqual(18); // the drive above really covered the surface
    const problems = sent.flatMap((r) => specProblems(r, options));
    expect(problems).toEqual([]);
  });

  it('the check itself catches what the specs refuse', async () => {
    const { options } = setup();
    const request = (
      method: string,
      path: string,
      body: unknown,
      headers: Record<string, string> = { authorization: 'Bearer t', 'content-type': 'application/json' },
    ) => ({
      method,
      url: new URL(`${options.baseUrl}${path}`),
      headers: new Headers(headers),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const admin = `/customer/customers/v1/organizations/${options.organizationId}/customer-lists/${options.customerList}`;
    expect(
      specProblems(request('PATCH', `${admin}/customers/1`, { customerNo: '1', lastName: 'é'.repeat(129) }), options),
    ).toEqual([expect.stringContaining('exceeds 256 bytes')]);
    expect(specProblems(request('PATCH', `${admin}/customers/1`, { firstName: 'A' }), options)).toHaveLength(2); // customerNo and lastName required
    expect(
      specProblems(
        request('POST', `${admin}/customer-search`, {
          query: { termQuery: { fields: ['lastModified'], operator: 'greater', values: ['x'] } },
          limit: 201,
        }),
        options,
      ),
    ).toHaveLength(2);
    expect(
      specProblems(
        request('POST', `${admin}/customers/1/addresses`, {
          addressId: 'a',
          lastName: 'L',
          countryCode: 'DE',
          etag: 'x',
          street: 'y',
        }),
        options,
      ),
    ).toEqual([expect.stringContaining('street')]);
  });
});
