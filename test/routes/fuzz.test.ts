import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const gw = buildGateway('memory', { BACKENDS: 'memory' });

const segment = fc.oneof(
  fc.constantFrom(
    'v1',
    'customers',
    'addresses',
    'backends',
    'memory',
    'password',
    'ref:crm-1001',
    '00001',
    'home',
    '..',
    '%',
    '%00',
    'ref:',
    '',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.array(segment, { minLength: 1, maxLength: 7 }).map((parts) => `/${parts.join('/')}`);
const query = fc.dictionary(
  fc.constantFrom('limit', 'cursor', 'email', 'externalRef', 'updatedSince', 'expand', 'x'),
  fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String)),
  { maxKeys: 4 },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 50 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        email: fc.oneof(fc.emailAddress(), fc.string()),
        lastName: fc.string(),
        addresses: fc.array(fc.object({ maxDepth: 1 }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);
const method = fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE');
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/problem+json',
  'application/json; charset=utf-8',
  '',
);

describe('property: no input makes the gateway answer 5xx', () => {
  it('random methods, paths, queries and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, query, body, contentType, async (m, p, q, b, type) => {
        const url = `${p}?${new URLSearchParams(q)}`;
        const headers: Record<string, string> = type ? { 'content-type': type } : {};
        const res = await gw.app.request(url, {
          method: m,
          headers,
          body: m === 'GET' || m === 'DELETE' || b === undefined ? undefined : b,
        });
        expect(res.status, `${m} ${url} ${b ?? ''}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 400 },
    );
  });

  it('random customer bodies against the real create and patch routes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.object({
          maxDepth: 2,
          key: fc.constantFrom(
            'email',
            'lastName',
            'firstName',
            'gender',
            'birthDate',
            'phones',
            'custom',
            'addresses',
            'groups',
            'active',
            'password',
            'externalRef',
          ),
        }),
        async (input) => {
          for (const [m, url] of [
            ['POST', '/v1/customers'],
            ['PATCH', '/v1/customers/00001'],
          ] as const) {
            const res = await gw.app.request(url, {
              method: m,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(input),
            });
            expect(res.status, `${m} ${JSON.stringify(input)}`).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
