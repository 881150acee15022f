import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

/**
 * Plausible-but-random customers and addresses through every platform adapter and emulator:
 * whatever a backend cannot store must be a 4xx naming the field (or 501), never a 5xx.
 */

const gw = buildGateway('sfcc', { BACKENDS: 'sfcc,scayle,open2b,scapi' });
const ok = (s: number) => s < 500 || s === 501;
const str = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(' ', 'ä'.repeat(120), '0', 'Hauptstraße 5', '12 Main St', 'x'.repeat(33), '😀😀'),
  },
);
const address = fc.record(
  {
    id: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    lastName: str,
    firstName: str,
    line1: str,
    line2: str,
    street: str,
    houseNumber: str,
    city: str,
    postalCode: str,
    countryCode: fc.constantFrom('DE', 'US', 'GB', 'IT', 'FR', 'AT', 'NL', 'JP'),
    stateCode: str,
    phone: str,
    companyName: str,
    title: str,
    isDefaultBilling: fc.boolean(),
    isDefaultShipping: fc.boolean(),
  },
  { requiredKeys: ['lastName', 'line1', 'city', 'postalCode', 'countryCode'] },
);
const customer = fc.record(
  {
    email: fc
      .stringMatching(/^[a-z0-9]{1,16}$/)
      .map((x) => `${x}-${Math.random().toString(36).slice(2, 8)}@example.com`),
    lastName: str,
    firstName: str,
    login: str,
    password: str,
    externalRef: str,
    gender: fc.constantFrom('female', 'male', 'diverse', 'unspecified'),
    birthDate: fc.constantFrom('1990-01-01', '2000-02-29'),
    phones: fc.record({ primary: str, mobile: str }, { requiredKeys: [] }),
    custom: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    groups: fc.array(str, { maxLength: 2 }),
    active: fc.boolean(),
    addresses: fc.array(address, { maxLength: 3 }),
  },
  { requiredKeys: ['email', 'lastName'] },
);

describe('property: platform backends answer bad input with 4xx, never 5xx', () => {
  for (const backend of ['sfcc', 'scayle', 'open2b', 'scapi']) {
    it(`${backend}: register, patch, add and patch addresses`, async () => {
      await fc.assert(
        fc.asyncProperty(customer, address, async (c, a) => {
          const base = `/v1/backends/${backend}`;
          const created = await gw.call('POST', `${base}/customers`, c);
          expect(created.status, `create ${JSON.stringify(c)} -> ${JSON.stringify(created.body)}`).toSatisfy(ok);
          const id =
            created.status === 201
              ? created.body.id
              : (await gw.call('GET', `${base}/customers?limit=1`)).body.items[0].id;
          const patched = await gw.call('PATCH', `${base}/customers/${encodeURIComponent(id)}`, {
            ...c,
            addresses: undefined,
            password: undefined,
            active: undefined,
          });
          expect(patched.status, `patch ${JSON.stringify(c)} -> ${JSON.stringify(patched.body)}`).toSatisfy(ok);
          const addr = await gw.call('POST', `${base}/customers/${encodeURIComponent(id)}/addresses`, a);
          expect(addr.status, `address ${JSON.stringify(a)} -> ${JSON.stringify(addr.body)}`).toSatisfy(ok);
          const list = await gw.call('GET', `${base}/customers/${encodeURIComponent(id)}/addresses`);
          expect(list.status, JSON.stringify(list.body)).toSatisfy(ok);
          if (list.body.items?.[0]) {
            const p = await gw.call(
              'PATCH',
              `${base}/customers/${encodeURIComponent(id)}/addresses/${encodeURIComponent(list.body.items[0].id)}`,
              a,
            );
            expect(p.status, `patch address ${JSON.stringify(a)} -> ${JSON.stringify(p.body)}`).toSatisfy(ok);
          }
        }),
        { numRuns: 120 },
      );
    }, 120_000);
  }
});
