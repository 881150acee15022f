import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const gw = buildGateway('memory', { BACKENDS: 'memory' });

describe('/openapi.json and /docs', () => {
  it('serves an OpenAPI 3.1 document that a validator accepts', async () => {
    const res = await gw.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is generated from the zod schemas: every route and every canonical model is in it', async () => {
    const doc = (await (await gw.app.request('/openapi.json')).json()) as any;
    for (const path of [
      '/v1/backends',
      '/v1/customers',
      '/v1/customers/{customerId}',
      '/v1/customers/{customerId}/password',
      '/v1/customers/{customerId}/addresses',
      '/v1/customers/{customerId}/addresses/{addressId}',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
      if (path !== '/v1/backends') expect(doc.paths).toHaveProperty([path.replace('/v1', '/v1/backends/{backend}')]);
    }
    for (const model of [
      'Customer',
      'CustomerCreate',
      'CustomerPatch',
      'Address',
      'AddressCreate',
      'AddressPatch',
      'Problem',
      'CustomerPage',
      'AddressPage',
    ]) {
      expect(doc.components.schemas).toHaveProperty([model]);
    }
    // Unknown fields are refused, so the document says so.
    expect(doc.components.schemas.CustomerCreate.additionalProperties).toBe(false);
    expect(doc.components.schemas.Customer.properties.gender).toBeDefined();
  });

  it('serves an interactive docs UI pointing at the document', async () => {
    const res = await gw.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('SwaggerUIBundle');
    expect(html).toContain('/openapi.json');
  });

  it('answers /health', async () => {
    const res = await gw.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', backends: ['memory'] });
  });
});

describe('/openapi.json declares what the answers carry', () => {
  const ADMIN = 'admin-key-0123456789abcdef';
  const keyed = buildGateway('memory', {
    BACKENDS: 'memory',
    API_KEYS: `admin:${ADMIN}`,
    CALLER_RATE_LIMIT: '1000/60',
  });
  const admin = { authorization: `Bearer ${ADMIN}` };
  /** The headers the API promises (README), as the document must name them. */
  const PROMISED = [
    'etag',
    'location',
    'link',
    'retry-after',
    'x-request-id',
    'ratelimit-limit',
    'ratelimit-remaining',
  ];

  it('every promised header of a real answer is declared for its status, and every status it gave', async () => {
    const doc = (await (await keyed.app.request('/openapi.json')).json()) as any;
    const created = await keyed.call('POST', '/v1/customers', { email: 'doc@example.com', lastName: 'Doc' }, admin);
    const id = created.body.id as string;
    const answers: [string, string, Awaited<ReturnType<typeof keyed.call>>][] = [
      ['post', '/v1/customers', created],
      ['get', '/v1/customers', await keyed.call('GET', '/v1/customers?limit=1', undefined, admin)],
      ['get', '/v1/customers/{customerId}', await keyed.call('GET', `/v1/customers/${id}`, undefined, admin)],
      [
        'get',
        '/v1/customers/{customerId}',
        await keyed.call('GET', `/v1/customers/${id}`, undefined, {
          ...admin,
          'if-none-match': created.headers.get('etag')!,
        }),
      ],
      ['get', '/v1/backends', await keyed.call('GET', '/v1/backends')],
      [
        'post',
        '/v1/auth/password-reset',
        await keyed.call('POST', '/v1/auth/password-reset', { email: 'x@example.com' }),
      ],
    ];
    for (const [method, path, answer] of answers) {
      const declared = doc.paths[path][method].responses[String(answer.status)];
      expect(declared, `${method} ${path} ${answer.status}`).toBeDefined();
      const names = Object.keys(declared.headers ?? {}).map((h) => h.toLowerCase());
      for (const [name] of answer.headers)
        if (PROMISED.includes(name)) expect(names, `${method} ${path} ${answer.status}: ${name}`).toContain(name);
    }
    // A read's revalidation is a parameter too.
    const read = doc.paths['/v1/customers/{customerId}'].get;
    expect(read.parameters.map((p: { name: string }) => p.name)).toContain('If-None-Match');
    expect((await new Validator().validate(doc)).errors ?? []).toEqual([]);
  });
});
