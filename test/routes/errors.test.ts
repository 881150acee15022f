import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const gw = buildGateway('memory', { BACKENDS: 'memory' });
const customer = { email: 'route-test@example.com', lastName: 'Route' };

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.stringContaining(code),
    title: expect.any(String),
    detail: expect.any(String),
    requestId: expect.any(String),
  });
};

describe('error answers are application/problem+json', () => {
  it('415 for a body that is not JSON', async () => {
    const res = await gw.call('POST', '/v1/customers', 'email=a@b.c', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('415 for a body without a Content-Type; no body at all is an empty object to the schema (400 naming what is required)', async () => {
    const typeless = await gw.app.request('/v1/customers', { method: 'POST', body: JSON.stringify(customer) });
    expectProblem(
      { status: typeless.status, headers: typeless.headers, body: await typeless.json() },
      415,
      'unsupported_media_type',
    );
    const empty = await gw.app.request('/v1/customers', { method: 'POST' });
    const body = await empty.json();
    expectProblem({ status: empty.status, headers: empty.headers, body }, 400, 'validation_failed');
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'email' })]));
    expect((await gw.call('GET', '/v1/customers?email=route-test@example.com')).body.items).toEqual([]);
  });

  it('400 for malformed JSON', async () => {
    const res = await gw.call('POST', '/v1/customers', '{"email": "a@b.c",', { 'content-type': 'application/json' });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([{ path: 'body', message: 'malformed JSON' }]);
  });

  it('400 for a body that is not UTF-8 and 415 for another charset: nothing is stored in their place', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"email":"bytes@example.com","lastName":"A'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('B"}'),
    ]);
    const raw = await gw.app.request('/v1/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
    const problem = { status: raw.status, headers: raw.headers, body: await raw.json() };
    expectProblem(problem, 400, 'validation_failed');
    expect(problem.body.errors).toEqual([{ path: 'body', message: 'not UTF-8' }]);
    const latin = await gw.call(
      'POST',
      '/v1/customers',
      { ...customer, email: 'latin@example.com' },
      {
        'content-type': 'application/json; charset=iso-8859-1',
      },
    );
    expectProblem(latin, 415, 'unsupported_media_type');
    const utf8 = await gw.call(
      'POST',
      '/v1/customers',
      { ...customer, email: 'utf8@example.com', lastName: 'Łódź' },
      {
        'content-type': 'application/json; charset=UTF-8',
      },
    );
    expect(utf8.status, JSON.stringify(utf8.body)).toBe(201);
    const ascii = await gw.call(
      'POST',
      '/v1/customers',
      { ...customer, email: 'ascii@example.com' },
      {
        'content-type': 'application/json;charset="us-ascii"',
      },
    );
    expect(ascii.status, JSON.stringify(ascii.body)).toBe(201);
    const listed = (await gw.call('GET', '/v1/customers?limit=100')).body.items.map((c: { email: string }) => c.email);
    expect(listed).not.toContain('bytes@example.com');
    expect(listed).not.toContain('latin@example.com');
  });

  it('400 naming the path of a value no backend stores as sent: big or infinite numbers in custom, lone surrogates', async () => {
    const numbers = await gw.call(
      'POST',
      '/v1/customers',
      `{"email":"n@example.com","lastName":"N","custom":{"ok":9007199254740991,"big":12345678901234567890,"deep":{"list":[1,1e400]}}}`,
      { 'content-type': 'application/json' },
    );
    expectProblem(numbers, 400, 'validation_failed');
    expect(numbers.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'custom.big',
      'custom.deep.list.1',
    ]);
    const surrogate = await gw.call('POST', '/v1/customers', `{"email":"s@example.com","lastName":"A\\ud800B"}`, {
      'content-type': 'application/json',
    });
    expectProblem(surrogate, 400, 'validation_failed');
    expect(surrogate.body.errors).toEqual([{ path: 'lastName', message: expect.stringContaining('surrogate') }]);
    // A pair is one character, and fine.
    const emoji = await gw.call('POST', '/v1/customers', {
      ...customer,
      email: 'emoji@example.com',
      lastName: 'Fröhlich 😀',
    });
    expect(emoji.status, JSON.stringify(emoji.body)).toBe(201);
  });

  it('400 naming each blank name, control character or impossible birth date; nothing is stored', async () => {
    const refused = await gw.call('POST', '/v1/customers', {
      email: 'blank@example.com',
      firstName: '   ',
      lastName: 'Zeile\nZwei',
      companyName: 'Tab\tGmbH',
      birthDate: '2999-01-01',
      addresses: [{ lastName: 'Route', line1: ' ', city: 'Berlin\u0000', postalCode: '10115', countryCode: 'DE' }],
    });
    expectProblem(refused, 400, 'validation_failed');
    expect(refused.body.errors).toEqual([
      { path: 'firstName', message: 'must not be blank' },
      { path: 'lastName', message: 'must not contain control characters (tabs, line breaks)' },
      { path: 'birthDate', message: 'must be a date from 1800-01-01 to today' },
      { path: 'companyName', message: 'must not contain control characters (tabs, line breaks)' },
      { path: 'addresses.0.line1', message: 'must not be blank' },
      { path: 'addresses.0.city', message: 'must not contain control characters (tabs, line breaks)' },
    ]);
    expect((await gw.call('GET', '/v1/customers?email=blank@example.com')).body.items).toEqual([]);
    const old = await gw.call('POST', '/v1/customers', {
      email: 'old@example.com',
      lastName: 'Old',
      birthDate: '1799-12-31',
    });
    expect(old.body.errors).toEqual([{ path: 'birthDate', message: 'must be a date from 1800-01-01 to today' }]);
    // A PATCH the same way; spaces around a name are the caller's to keep.
    const id = (await gw.call('POST', '/v1/customers', { email: 'kept@example.com', lastName: ' Kept ' })).body.id;
    const patch = await gw.call('PATCH', `/v1/customers/${id}`, { firstName: '\t' });
    expect(patch.body.errors).toEqual([
      { path: 'firstName', message: 'must not contain control characters (tabs, line breaks)' },
    ]);
    expect((await gw.call('GET', `/v1/customers/${id}`)).body).toMatchObject({ lastName: ' Kept ' });
    expect((await gw.call('GET', `/v1/customers/${id}`)).body.firstName).toBeUndefined();
  });

  it('400 for a registration whose addresses share an id, or with a blank one: refused before the customer exists', async () => {
    const address = {
      lastName: 'Route',
      line1: 'Hauptstraße 5',
      city: 'Berlin',
      postalCode: '10115',
      countryCode: 'DE',
    };
    const twice = await gw.call('POST', '/v1/customers', {
      ...customer,
      email: 'twice@example.com',
      addresses: [
        { ...address, id: 'a' },
        { ...address, id: 'b' },
        { ...address, id: 'a' },
      ],
    });
    expectProblem(twice, 400, 'validation_failed');
    expect(twice.body.errors).toEqual([{ path: 'addresses.2.id', message: 'names another address too' }]);
    const blank = await gw.call('POST', '/v1/customers', {
      ...customer,
      email: 'blank@example.com',
      addresses: [{ ...address, id: ' ' }],
    });
    expectProblem(blank, 400, 'validation_failed');
    expect(blank.body.errors).toEqual([{ path: 'addresses.0.id', message: 'must not be blank' }]);
    const emails = (await gw.call('GET', '/v1/customers?limit=100')).body.items.map((c: { email: string }) => c.email);
    expect(emails).not.toContain('twice@example.com');
    expect(emails).not.toContain('blank@example.com');
  });

  it('400 naming every unknown field, nested ones with their path', async () => {
    const res = await gw.call('POST', '/v1/customers', {
      ...customer,
      nickname: 'x',
      addresses: [{ lastName: 'A', line1: 'B 1', city: 'C', postalCode: '1', countryCode: 'DE', floor: 3 }],
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'nickname', message: 'unknown field' },
        { path: 'addresses.0.floor', message: 'unknown field' },
      ]),
    );
  });

  it('400 for a bad limit and a cursor that is not one of ours', async () => {
    // `0x10`, ` 5` and `1e1` are numbers to Number(), not to a caller reading the docs.
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=ten',
      'limit=0x10',
      'limit=%205',
      'limit=1e1',
      'limit=2.0',
      'limit=',
    ]) {
      const res = await gw.call('GET', `/v1/customers?${query}`);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors[0].path).toBe('query.limit');
    }
    expect((await gw.call('GET', '/v1/customers?limit=007')).body.page.limit).toBe(7);
    for (const cursor of ['garbage', 'a.b.c', 'eyJiIjoibWVtb3J5IiwicyI6ImN1c3RvbWVycz8iLCJwIjo5OX0.AAAAAAAAAAAAAAAA']) {
      const res = await gw.call('GET', `/v1/customers?cursor=${cursor}`);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors[0].path).toBe('query.cursor');
    }
  });

  it('400 for expand on the customer list, which has no addresses to give (the single read expands)', async () => {
    const res = await gw.call('GET', '/v1/customers?expand=addresses');
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([
      { path: 'query.expand', message: 'the list does not expand: read each customer with ?expand=addresses' },
    ]);
  });

  it('rejects a cursor issued for another filter of the same list', async () => {
    const first = await gw.call('GET', '/v1/customers?limit=1');
    expect(first.body.page.nextCursor).toEqual(expect.any(String));
    const res = await gw.call(
      'GET',
      `/v1/customers?limit=1&email=ada.lovelace%40example.com&cursor=${first.body.page.nextCursor}`,
    );
    expectProblem(res, 400, 'validation_failed');
  });

  it('404 for an unknown backend, naming the configured ones', async () => {
    const res = await gw.call('GET', '/v1/backends/magento/customers');
    expectProblem(res, 404, 'not_found');
    expect(res.body.detail).toContain('memory');
  });

  it('404 for an unknown route', async () => {
    expectProblem(await gw.call('GET', '/v2/customers'), 404, 'not_found');
  });

  it('413 for a body over 64 KiB, even without Content-Length', async () => {
    const big = JSON.stringify({ ...customer, custom: { blob: 'x'.repeat(70 * 1024) } });
    expectProblem(
      await gw.call('POST', '/v1/customers', big, { 'content-type': 'application/json' }),
      413,
      'payload_too_large',
    );
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const res = await gw.app.request('/v1/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('accepts a sane X-Request-Id and returns it; replaces an unsafe one', async () => {
    const mine = await gw.call('GET', '/v1/customers/404404', undefined, { 'x-request-id': 'storefront-abc.123' });
    expect(mine.headers.get('x-request-id')).toBe('storefront-abc.123');
    expect(mine.body.requestId).toBe('storefront-abc.123');
    const unsafe = await gw.call('GET', '/v1/backends', undefined, { 'x-request-id': 'bad id\twith "quotes"' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('501 for ref: ids on a backend that cannot look them up', async () => {
    const adapter = gw.deps.backends.get('memory')!;
    const original = adapter.capabilities.externalRefLookup;
    (adapter.capabilities as { externalRefLookup: boolean }).externalRefLookup = false;
    try {
      expectProblem(await gw.call('GET', '/v1/customers/ref:crm-1001'), 501, 'not_supported');
    } finally {
      (adapter.capabilities as { externalRefLookup: boolean }).externalRefLookup = original;
    }
  });

  it('400 for `custom` nested too deep or using __proto__, and the store stays readable', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 3000; i++) deep = [deep];
    const res = await gw.call('POST', '/v1/customers', { ...customer, email: 'deep@example.com', custom: { a: deep } });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'custom' }));
    expect((await gw.call('GET', '/v1/customers')).status).toBe(200);
    const proto = await gw.call(
      'POST',
      '/v1/customers',
      `{"email":"proto@example.com","lastName":"P","custom":{"__proto__":{"x":1}}}`,
      { 'content-type': 'application/json' },
    );
    expectProblem(proto, 400, 'validation_failed');
  });

  it('400 for an address id a URL cannot carry', async () => {
    for (const id of ['..', '.', 'a/b']) {
      const res = await gw.call('POST', '/v1/customers/00001/addresses', {
        id,
        lastName: 'A',
        line1: 'B 1',
        city: 'C',
        postalCode: '1',
        countryCode: 'DE',
      });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors[0].path).toBe('id');
    }
  });

  it('400 for a correctly signed cursor whose payload is not an object', async () => {
    const { createCursorCodec } = await import('../../adapters/cursor.js');
    const codec = createCursorCodec(gw.deps.config.cursorSecret);
    const valid = await codec.encode('memory', 'customers?', 1);
    const payload = Buffer.from('null').toString('base64url');
    // Re-sign "null" with the same key: a cursor anyone who knows the default secret could make.
    const hmac = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(gw.deps.config.cursorSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const signature = Buffer.from(
      new Uint8Array(await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode(payload))).slice(0, 12),
    ).toString('base64url');
    expect(valid.split('.')[1]).toHaveLength(signature.length);
    expectProblem(await gw.call('GET', `/v1/customers?cursor=${payload}.${signature}`), 400, 'validation_failed');
  });

  it('honours If-Match lists, refuses weak tags, and checks If-Match on DELETE', async () => {
    const created = await gw.call('POST', '/v1/customers', {
      ...customer,
      email: 'ifmatch@example.com',
      addresses: [
        { id: 'a1', lastName: 'A', line1: 'B 1', city: 'C', postalCode: '1', countryCode: 'DE' },
        { id: 'a2', lastName: 'A', line1: 'B 2', city: 'C', postalCode: '1', countryCode: 'DE' },
      ],
    });
    const id = created.body.id;
    const etag = (await gw.call('GET', `/v1/customers/${id}`)).headers.get('etag')!;
    expect(
      (await gw.call('PATCH', `/v1/customers/${id}`, { firstName: 'A' }, { 'if-match': `"other", ${etag}` })).status,
    ).toBe(200);
    const current = (await gw.call('GET', `/v1/customers/${id}`)).headers.get('etag')!;
    expectProblem(
      await gw.call('PATCH', `/v1/customers/${id}`, { firstName: 'B' }, { 'if-match': `W/${current}` }),
      412,
      'precondition_failed',
    );

    // An address ETag is its own: changing the customer does not make it stale.
    const addressEtag = (await gw.call('GET', `/v1/customers/${id}/addresses/a1`)).headers.get('etag')!;
    await gw.call('PATCH', `/v1/customers/${id}`, { firstName: 'C' });
    expect((await gw.call('GET', `/v1/customers/${id}/addresses/a1`)).headers.get('etag')).toBe(addressEtag);

    expectProblem(
      await gw.call('DELETE', `/v1/customers/${id}/addresses/a1`, undefined, { 'if-match': '"stale"' }),
      412,
      'precondition_failed',
    );
    expect(
      (await gw.call('DELETE', `/v1/customers/${id}/addresses/a1`, undefined, { 'if-match': addressEtag })).status,
    ).toBe(204);
    expectProblem(
      await gw.call('DELETE', `/v1/customers/${id}`, undefined, { 'if-match': '"stale"' }),
      412,
      'precondition_failed',
    );
    expect((await gw.call('GET', `/v1/customers/${id}`)).status).toBe(200);
  });

  it('answers 304 to a GET whose If-None-Match is the current ETag', async () => {
    const first = await gw.call('GET', '/v1/customers/00001');
    const etag = first.headers.get('etag')!;
    const again = await gw.call('GET', '/v1/customers/00001', undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await gw.call('GET', '/v1/customers/00001', undefined, { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('answers Location and ETag on create, and serves the default backend under /v1', async () => {
    const res = await gw.call('POST', '/v1/customers', { ...customer, email: 'located@example.com' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/customers/${res.body.id}`);
    expect(res.headers.get('etag')).toBeTruthy();
  });
});
