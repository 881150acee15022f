import { hc } from 'hono/client';
import { describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../src/app.js';
import { buildGateway } from '../conformance/harness.js';

const gw = buildGateway('memory', { BACKENDS: 'memory' });
// What a storefront does: a typed client from the exported app type, no code generation.
const client = hc<GatewayApp>('http://gateway.local', {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => gw.app.request(input, init),
});

describe('typed client from hono/client', () => {
  it('creates and reads a customer with typed inputs and outputs', async () => {
    const created = await client.v1.customers.$post({
      json: {
        email: 'typed@example.com',
        lastName: 'Typed',
        addresses: [
          { lastName: 'Typed', line1: 'Main St 1', city: 'Springfield', postalCode: '12345', countryCode: 'US' },
        ],
      },
    });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const customer = await created.json();
    const id: string = customer.id;

    const read = await client.v1.customers[':customerId'].$get({
      param: { customerId: id },
      query: { expand: 'addresses' },
    });
    expect(read.status).toBe(200);
    if (read.status !== 200) return;
    const body = await read.json();
    expect(body.addresses?.[0]?.city).toBe('Springfield');
  });

  it('reaches a named backend and pages with typed page info', async () => {
    const res = await client.v1.backends[':backend'].customers.$get({
      param: { backend: 'memory' },
      query: { limit: '1' },
    });
    expect(res.status).toBe(200);
    if (res.status !== 200) return;
    const page = await res.json();
    expect(page.items).toHaveLength(1);
    expect(page.page.nextCursor).toEqual(expect.any(String));
  });
});
