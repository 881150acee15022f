import { describe, expect, it } from 'vitest';
import { createSfccAdapter } from '../../../adapters/sfcc/index.js';
import { recordingFetch, specProblems, type Recorded } from './fixtures/spec-check.js';
import { addressInput, byId, capturingLog, customerInput, failure, setup } from './helpers.js';

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
        addresses: [
          addressInput({ isDefaultBilling: true, isDefaultShipping: true }),
          addressInput({ id: 'work', line2: 'Hinterhaus', phone: '+49 30 5555' }),
        ],
      }),
      ctx,
    );
    const id = byId(created.value.id);
    await adapter.createCustomer(customerInput(), ctx); // OAuth registration (no password)
    await adapter.getCustomer(id, { expandAddresses: true }, ctx);
    await adapter.getCustomer({ kind: 'externalRef', externalRef: 'EXT-SPEC-1' }, { expandAddresses: false }, ctx);
    const patched = await adapter.updateCustomer(
      id,
      {
        firstName: null,
        title: 'Dr.',
        phones: { mobile: '+49 171 0000' },
        custom: { origin: 'patched' },
        active: true,
      },
      { ifMatch: created.etag },
      ctx,
    );
    await adapter.updateCustomer(
      id,
      { custom: null, externalRef: null, gender: 'male' },
      { ifMatch: patched.etag },
      ctx,
    );
    await adapter.listCustomers!({ limit: 2 }, ctx);
    await adapter.listCustomers!(
      { limit: 200, position: 1, email: created.value.email, updatedSince: '2020-01-01T00:00:00+01:00' },
      ctx,
    );
    await adapter.listCustomers!({ limit: 5, externalRef: 'EXT-SPEC-1' }, ctx);
    const page = await adapter.listAddresses(id, { limit: 1 }, ctx);
    await adapter.listAddresses(id, { limit: 200, position: page.next ?? 0 }, ctx);
    const made = await adapter.createAddress(
      id,
      addressInput({ line1: 'Ringstraße 9', stateCode: 'BE', suite: '3a', postBox: 'PF 12' }),
      ctx,
    );
    await adapter.getAddress(id, made.value.id, ctx);
    await adapter.updateAddress(
      id,
      made.value.id,
      { line2: null, isDefaultShipping: true },
      { ifMatch: made.etag },
      ctx,
    );
    await adapter.updateAddress(id, made.value.id, { id: 'renamed-spec' }, {}, ctx);
    await adapter.deleteAddress(id, 'renamed-spec', ctx);
    await adapter.setPassword(id, { currentPassword: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd-2' }, ctx);
    await adapter.setPassword(id, { password: 'Third!Passw0rd-3' }, ctx);
    // Failing paths send requests too.
    await failure(adapter.getCustomer(byId('nope'), { expandAddresses: false }, ctx));
    await failure(adapter.createAddress(id, addressInput({ id: 'work' }), ctx));
    await failure(adapter.setPassword(id, { currentPassword: 'wrong-password', password: 'X!Passw0rd-4' }, ctx));

    const kinds = new Set(
      sent.map((r) => `${r.method} ${r.url.pathname.replace(/customers\/[^/]+/, 'customers/{id}')}`),
    );
    expect(kinds.size).toBeGreaterThanOrEqual(14); // the drive above really covered the surface
    const problems = sent.flatMap((r) => specProblems(r, options.baseUrl, options.data?.baseUrl, options.oauthUrl));
    expect(problems).toEqual([]);
  });

  it('against a spec-driven mock (only the headers 20.4 declares: no shopper JWT, no ETag) it fails precisely, never half-way', async () => {
    const { emulator, options, ctx } = setup();
    const sent: Recorded[] = [];
    // A mock built from the spec (e.g. Prism) sends no response header the spec does not declare,
    // and 20.4 declares none: not the JWT in `Authorization` (only described in prose), not `ETag`.
    const specOnly = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await emulator.fetch(new Request(input, init));
      const headers = new Headers(response.headers);
      headers.delete('authorization');
      headers.delete('etag');
      return new Response(response.body, { status: response.status, headers });
    }) as typeof fetch;
    const adapter = createSfccAdapter(options, { fetch: recordingFetch(specOnly, sent), log: capturingLog([]) });

    // Everything on the Account Manager token works; without an upstream ETag the gateway derives one.
    const created = await adapter.createCustomer(customerInput({ addresses: [addressInput({ id: 'home' })] }), ctx);
    expect(created.etag).toBeUndefined();
    const id = byId(created.value.id);
    expect((await adapter.updateCustomer(id, { firstName: 'Ann' }, {}, ctx)).value.firstName).toBe('Ann');
    expect((await adapter.updateAddress(id, 'home', { id: 'moved' }, {}, ctx)).value.id).toBe('moved');

    // The two shopper-JWT flows cannot go on without the token: a 502 saying why, nothing written.
    const register = await failure(adapter.createCustomer(customerInput({ password: 'Str0ng!Passw0rd' }), ctx));
    expect(register).toMatchObject({ code: 'upstream_contract_violation', status: 502 });
    expect(register.message).toContain('Authorization');
    expect(emulator.backdoor.readAll()).toHaveLength(1);
    expect(sent.filter((r) => r.method === 'POST' && r.url.pathname.endsWith('/customers'))).toHaveLength(1); // the first create only
    const [shopper] = emulator.backdoor.seed([
      {
        customer: { login: 'shopper@example.com', email: 'shopper@example.com', last_name: 'S' },
        password: 'Str0ng!Passw0rd',
      },
    ]);
    const change = await failure(
      adapter.setPassword(
        byId(shopper!.customer_id),
        { currentPassword: 'Str0ng!Passw0rd', password: 'N3w!Passw0rd-2' },
        ctx,
      ),
    );
    expect(change.code).toBe('upstream_contract_violation');
    expect(sent.some((r) => r.method === 'PUT')).toBe(false);
    expect(emulator.backdoor.readPassword(shopper!.customer_id)).toBe('Str0ng!Passw0rd');
    // Setting a password server-side needs no JWT.
    await adapter.setPassword(byId(shopper!.customer_id), { password: 'Fresh!Passw0rd' }, ctx);
    expect(emulator.backdoor.readPassword(shopper!.customer_id)).toBe('Fresh!Passw0rd');
    expect(sent.flatMap((r) => specProblems(r, options.baseUrl, options.data?.baseUrl, options.oauthUrl))).toEqual([]);
  });

  it('the checker itself refuses what 20.4 does not allow', () => {
    const { options } = setup();
    const request = (method: string, path: string, body = '', search = '') => ({
      method,
      url: new URL(`${options.baseUrl}${path}${search}`),
      headers: new Headers({ 'x-dw-client-id': 'x', 'content-type': 'application/json' }),
      body,
    });
    const check = (r: ReturnType<typeof request>) =>
      specProblems(r, options.baseUrl, options.data?.baseUrl, options.oauthUrl);
    expect(check(request('PATCH', '/customers/abc', JSON.stringify({ first_name: null })))).toHaveLength(1);
    expect(check(request('PATCH', '/customers/abc', JSON.stringify({ customer_id: 'x' })))).toHaveLength(1);
    expect(check(request('PATCH', '/customers/abc', JSON.stringify({ gender: 3 })))).toHaveLength(1);
    expect(check(request('POST', '/customers/abc/addresses', JSON.stringify({ street: 'x' })))).toHaveLength(1);
    expect(check(request('GET', '/customers/abc/addresses', '', '?start=1000&count=1'))).toHaveLength(1);
    expect(check(request('GET', '/customers/abc/addresses', '', '?limit=2'))).toHaveLength(1);
    expect(check(request('DELETE', '/customers/abc'))).toHaveLength(1);
    expect(
      check(request('POST', '/customers/abc/addresses', JSON.stringify({ address_id: 'home', c_note: 'ok' }))),
    ).toEqual([]);
    // maxLength counts characters (JSON Schema), not UTF-16 units.
    expect(check(request('POST', '/customers/abc/addresses', JSON.stringify({ address_id: '𝒳'.repeat(256) })))).toEqual(
      [],
    );
    expect(
      check(request('POST', '/customers/abc/addresses', JSON.stringify({ address_id: 'x'.repeat(257) }))),
    ).toHaveLength(1);
  });
});
