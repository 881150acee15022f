import { describe, expect, it } from 'vitest';
import { deadlineSignal } from '../../../transport/deadline.js';
import { createScapiAdapter } from '../../../adapters/scapi/index.js';
import { SEARCH_WINDOW } from '../../../adapters/scapi/paginate.js';
import { addressInput, byId, customerInput, failure, setup } from './helpers.js';

describe('scapi adapter', () => {
  it('caches the Account Manager token and gets one fresh token after SCAPI refuses a stale one', async () => {
    const { adapter, ctx, emulator, lines, options } = setup({ emulator: {} });
    await adapter.getCustomer(byId('00001001'), { expandAddresses: false }, ctx);
    await adapter.getCustomer(byId('00001002'), { expandAddresses: true }, ctx);
    expect(emulator.backdoor.accessTokensIssued).toBe(1);
    emulator.backdoor.expireAccessTokens();
    const again = await adapter.getCustomer(byId('00001001'), { expandAddresses: false }, ctx);
    expect(again.value).toMatchObject({ id: '00001001', externalRef: 'CRM-2001' });
    expect(emulator.backdoor.accessTokensIssued).toBe(2);
    expect(lines.join('\n')).not.toContain(options.clientSecret);
  });

  it('a caller that goes away does not fail the Account Manager token request it shares with others', async () => {
    const { emulator, options, ctx } = setup({ emulator: {} });
    // Like a real fetch (the in-process one ignores signals): an aborted request never answers.
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.signal.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
      return emulator.fetch(request);
    }) as typeof globalThis.fetch;
    const adapter = createScapiAdapter(options, { fetch, log: ctx.log });
    const gone = new AbortController();
    gone.abort();
    // The gateway's contexts link every upstream call to the caller (deadlineWithin).
    const left = {
      ...ctx,
      signal: gone.signal,
      deadlineWithin: (ms: number) => deadlineSignal(ms, gone.signal),
    };
    const [leaver, stayer] = await Promise.allSettled([
      adapter.getCustomer(byId('00001001'), { expandAddresses: false }, left),
      adapter.getCustomer(byId('00001001'), { expandAddresses: false }, ctx),
    ]);
    expect(leaver.status).toBe('rejected');
    expect(stayer).toMatchObject({ status: 'fulfilled', value: { value: { id: '00001001' } } });
    expect(emulator.backdoor.accessTokensIssued).toBe(1);
  });

  it('looks customers up by ref:, answers 404 for numbers SCAPI cannot have, and 501 for updatedSince', async () => {
    const { adapter, ctx, sent } = setup({ emulator: {} });
    expect(
      (await adapter.getCustomer({ kind: 'externalRef', externalRef: 'CRM-2002' }, { expandAddresses: true }, ctx))
        .value,
    ).toMatchObject({
      id: '00001002',
      addresses: [{ id: 'zuhause', isDefaultBilling: true, isDefaultShipping: true }],
    });
    expect(
      (
        await failure(
          adapter.getCustomer({ kind: 'externalRef', externalRef: 'nobody' }, { expandAddresses: false }, ctx),
        )
      ).code,
    ).toBe('not_found');
    const before = sent.length;
    expect((await failure(adapter.getCustomer(byId('9'.repeat(101)), { expandAddresses: false }, ctx))).code).toBe(
      'not_found',
    );
    expect(sent.length).toBe(before);
    const since = await failure(adapter.listCustomers({ limit: 5, updatedSince: '2025-01-01T00:00:00Z' }, ctx));
    expect(since).toMatchObject({ code: 'not_supported', message: expect.stringContaining('lastModified') });
  });

  it(`pages past the search's ${SEARCH_WINDOW}-hit window by customer number, with no gap and no repeat`, async () => {
    const { adapter, ctx, emulator } = setup();
    const count = SEARCH_WINDOW + 5;
    emulator.backdoor.seed(
      Array.from({ length: count }, (_, i) => ({
        customer: { customerNo: String(i).padStart(6, '0'), lastName: 'N', credentials: { login: `l${i}` } },
      })),
    );
    const seen: string[] = [];
    let position: unknown = SEARCH_WINDOW - 15;
    let pages = 0;
    while (position !== null && pages++ < 10) {
      // A caller may change the limit between pages: the window still holds.
      const page = await adapter.listCustomers({ limit: pages === 1 ? 20 : 8, position }, ctx);
      seen.push(...page.items.map((c) => c.id));
      position = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => String(SEARCH_WINDOW - 15 + i).padStart(6, '0')));
  });

  it('skips no one when customers already listed are deleted between pages (a migration deleting what it moved)', async () => {
    const { adapter, ctx, emulator } = setup();
    emulator.backdoor.seed(
      Array.from({ length: 7 }, (_, i) => ({
        customer: { customerNo: String(i).padStart(6, '0'), lastName: 'N', credentials: { login: `d${i}` } },
      })),
    );
    const seen: string[] = [];
    let position: unknown;
    do {
      const page = await adapter.listCustomers({ limit: 3, position }, ctx);
      seen.push(...page.items.map((c) => c.id));
      expect(page.total).toBe(7);
      for (const customer of page.items) await adapter.deleteCustomer!({ kind: 'id', id: customer.id }, ctx);
      position = page.next;
    } while (position !== null);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => String(i).padStart(6, '0')));
  });

  it('says what a create with addresses had already written when an address fails', async () => {
    // The platform fails the second address (503): the customer and the first address exist.
    const platform: { fetch?: typeof fetch } = {};
    let addressPosts = 0;
    const failSecondAddress = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/addresses') && ++addressPosts === 2)
        return new Response('{"title":"Service Unavailable"}', { status: 503 });
      return platform.fetch!(request);
    }) as typeof fetch;
    const { adapter, ctx, emulator } = setup({ deps: { fetch: failSecondAddress } });
    platform.fetch = emulator.fetch;
    const error = await failure(
      adapter.createCustomer(
        customerInput({
          addresses: [addressInput({ id: 'work', isDefaultBilling: true }), addressInput({ id: 'home' })],
        }),
        ctx,
      ),
    );
    expect(error).toMatchObject({
      code: 'upstream_unavailable',
      created: { customerId: expect.any(String), addresses: ['work'] },
    });
    const stored = emulator.backdoor.readCustomer(String(error.created!.customerId));
    expect(stored).toMatchObject({ primaryAddress: { addressId: 'work' } });
  });

  it('refuses a 257-byte value before writing anything', async () => {
    const { adapter, ctx, sent } = setup();
    const error = await failure(
      adapter.createCustomer(
        customerInput({ password: 'Str0ng!Passw0rd', addresses: [addressInput({ line1: 'ß'.repeat(129) })] }),
        ctx,
      ),
    );
    expect(error).toMatchObject({ code: 'validation_failed', errors: [{ path: 'addresses.0.line1' }] });
    expect(sent).toHaveLength(0);
  });

  it('authenticates shoppers through SLAS: their customer number, or unauthorized for a wrong password or unknown email', async () => {
    const { adapter, ctx } = setup({ emulator: {} });
    expect(
      await adapter.authenticateShopper!({ email: 'wei.leung@example.com', password: 'Demo!Passw0rd' }, ctx),
    ).toEqual({ customerId: '00001001' });
    for (const credentials of [
      { email: 'wei.leung@example.com', password: 'wrong' },
      { email: 'nobody@example.com', password: 'Demo!Passw0rd' },
    ]) {
      expect(await failure(adapter.authenticateShopper!(credentials, ctx))).toMatchObject({
        code: 'unauthorized',
        message: 'email or password is wrong',
      });
    }
  });

  it('changes a password with the current one through a shopper session, and never on a wrong one', async () => {
    const { adapter, ctx, emulator } = setup({ emulator: {} });
    const wrong = await failure(
      adapter.setPassword(byId('00001002'), { currentPassword: 'nope', password: 'N3w-Passw0rd!' }, ctx),
    );
    expect(wrong).toMatchObject({ code: 'validation_failed', errors: [{ path: 'currentPassword' }] });
    expect(emulator.backdoor.readPassword('00001002')).toBe('Demo!Passw0rd');
    await adapter.setPassword(byId('00001002'), { currentPassword: 'Demo!Passw0rd', password: 'N3w-Passw0rd!' }, ctx);
    expect(emulator.backdoor.readPassword('00001002')).toBe('N3w-Passw0rd!');
    const weak = await failure(adapter.setPassword(byId('00001002'), { password: 'short' }, ctx));
    expect(weak).toMatchObject({ code: 'validation_failed', errors: [{ path: 'password' }] });
  });

  it("answers address ETags as SCAPI gives them, marked while the address is the customer's default", async () => {
    const { adapter, ctx, emulator } = setup({ emulator: {} });
    const read = await adapter.getAddress(byId('00001001'), 'home', ctx);
    const native = emulator.backdoor.readAddresses('00001001')[0]!.etag;
    expect(read.value.isDefaultBilling).toBe(true);
    expect(read.etag).toBe(`"${native}.default"`);
    const updated = await adapter.updateAddress(byId('00001001'), 'home', { city: 'Oakland' }, {}, ctx);
    expect(updated.etag).not.toBe(read.etag);

    // Another address taking the default changes the flags of this one, and so its ETag.
    const other = await adapter.createAddress(
      byId('00001001'),
      {
        lastName: 'L',
        line1: 'Elm St 1',
        city: 'Oakland',
        postalCode: '94601',
        countryCode: 'US',
        isDefaultBilling: false,
        isDefaultShipping: false,
      },
      ctx,
    );
    await adapter.updateAddress(
      byId('00001001'),
      other.value.id,
      { isDefaultBilling: true, isDefaultShipping: true },
      {},
      ctx,
    );
    const demoted = await adapter.getAddress(byId('00001001'), 'home', ctx);
    expect(demoted.value.isDefaultBilling).toBe(false);
    expect(demoted.etag).toBe(
      `"${emulator.backdoor.readAddresses('00001001').find((a) => a.addressId === 'home')!.etag}"`,
    );
    expect(demoted.etag).not.toBe(updated.etag);
  });
});
