import { describe, expect, it } from 'vitest';
import { specProblems } from './fixtures/spec-check.js';
import { addressInput, byId, customerInput, failure, setup } from './helpers.js';

/**
 * Issue point 3: every request the adapter sends must be valid against the 20.4 Shop API spec.
 * Drive every adapter method (happy paths and the awkward ones: clears, custom replacement,
 * renames, both password flows, ref lookups) and check each recorded request against our
 * hand-written list of what 20.4 allows.
 */
describe('sfcc requests conform to the Shop API 20.4 spec', () => {
  it('sends only declared paths, query parameters and body fields', async () => {
    const { adapter, ctx, sent, options } = setup();
    const created = await adapter.createCustomer(
      customerInput({
        password: 'Str0ng!Passw0rd',
        externalRef: 'EXT-SPEC-1',
        gender: 'female',
        birthDate: '1990-05-17',
        phones: { primary: '+49 30 1234', mobile: '+49 170 1234', fax: '+49 30 9999' },
        custom: { origin: 'spec', score: 3, tags: ['a', 'b'] },
        addresses: [addressInput({ isDefaultBilling: true, isDefaultShipping: true }), addressInput({ id: 'work', line2: 'Hinterhaus', phone: '+49 30 5555' })],
      }),
      ctx,
    );
    const id = byId(created.value.id);
    await adapter.createCustomer(customerInput(), ctx); // OAuth registration (no password)
    await adapter.getCustomer(id, { expandAddresses: true }, ctx);
    await adapter.getCustomer({ kind: 'externalRef', externalRef: 'EXT-SPEC-1' }, { expandAddresses: false }, ctx);
    const patched = await adapter.updateCustomer(id, { firstName: null, title: 'Dr.', phones: { mobile: '+49 171 0000' }, custom: { origin: 'patched' }, active: true }, { ifMatch: created.etag }, ctx);
    await adapter.updateCustomer(id, { custom: null, externalRef: null, gender: 'male' }, { ifMatch: patched.etag }, ctx);
    await adapter.listCustomers({ limit: 2 }, ctx);
    await adapter.listCustomers({ limit: 200, position: 1, email: created.value.email, updatedSince: '2020-01-01T00:00:00+01:00' }, ctx);
    await adapter.listCustomers({ limit: 5, externalRef: 'EXT-SPEC-1' }, ctx);
    const page = await adapter.listAddresses(id, { limit: 1 }, ctx);
    await adapter.listAddresses(id, { limit: 200, position: page.next ?? 0 }, ctx);
    const made = await adapter.createAddress(id, addressInput({ line1: 'Ringstraße 9', stateCode: 'BE', suite: '3a', postBox: 'PF 12' }), ctx);
    await adapter.getAddress(id, made.value.id, ctx);
    await adapter.updateAddress(id, made.value.id, { line2: null, isDefaultShipping: true }, { ifMatch: made.etag }, ctx);
    await adapter.updateAddress(id, made.value.id, { id: 'renamed-spec' }, {}, ctx);
    await adapter.deleteAddress(id, 'renamed-spec', ctx);
    await adapter.setPassword(id, { currentPassword: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd-2' }, ctx);
    await adapter.setPassword(id, { password: 'Third!Passw0rd-3' }, ctx);
    // Failing paths send requests too.
    await failure(adapter.getCustomer(byId('nope'), { expandAddresses: false }, ctx));
    await failure(adapter.createAddress(id, addressInput({ id: 'work' }), ctx));
    await failure(adapter.setPassword(id, { currentPassword: 'wrong-password', password: 'X!Passw0rd-4' }, ctx));

    const kinds = new Set(sent.map((r) => `${r.method} ${r.url.pathname.replace(/customers\/[^/]+/, 'customers/{id}')}`));
    expect(kinds.size).toBeGreaterThanOrEqual(14); // the drive above really covered the surface
    const problems = sent.flatMap((r) => specProblems(r, options.baseUrl, options.data?.baseUrl, options.oauthUrl));
    expect(problems).toEqual([]);
  });

  it('the checker itself refuses what 20.4 does not allow', () => {
    const { options } = setup();
    const request = (method: string, path: string, body = '', search = '') => ({
      method,
      url: new URL(`${options.baseUrl}${path}${search}`),
      headers: new Headers({ 'x-dw-client-id': 'x', 'content-type': 'application/json' }),
      body,
    });
    const check = (r: ReturnType<typeof request>) => specProblems(r, options.baseUrl, options.data?.baseUrl, options.oauthUrl);
    expect(check(request('PATCH', '/customers/abc', JSON.stringify({ first_name: null })))).toHaveLength(1);
    expect(check(request('PATCH', '/customers/abc', JSON.stringify({ customer_id: 'x' })))).toHaveLength(1);
    expect(check(request('PATCH', '/customers/abc', JSON.stringify({ gender: 3 })))).toHaveLength(1);
    expect(check(request('POST', '/customers/abc/addresses', JSON.stringify({ street: 'x' })))).toHaveLength(1);
    expect(check(request('GET', '/customers/abc/addresses', '', '?start=1000&count=1'))).toHaveLength(1);
    expect(check(request('GET', '/customers/abc/addresses', '', '?limit=2'))).toHaveLength(1);
    expect(check(request('DELETE', '/customers/abc'))).toHaveLength(1);
    expect(check(request('POST', '/customers/abc/addresses', JSON.stringify({ address_id: 'home', c_note: 'ok' })))).toEqual([]);
  });
});
