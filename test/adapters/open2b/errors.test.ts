import { describe, expect, it } from 'vitest';
import { canonicalPath, fromErrorDocument, fromHttpStatus } from '../../../adapters/open2b/errors.js';

const doc = (type: string, field = '', description = 'upstream words with a secret value') => ({
  type,
  field,
  description,
});

describe('open2b error documents (HTTP 200, status "error")', () => {
  it('maps each type to the canonical code with the canonical field path', () => {
    const create = { billing: 'addresses.0.', shipping: 'addresses.1.', customerNames: true };
    const cases: [ReturnType<typeof doc>, string, number, string | undefined][] = [
      [doc('NotFound', 'id'), 'not_found', 404, undefined],
      [doc('NotFound', 'group'), 'validation_failed', 400, 'groups'],
      [doc('AlreadyExists', 'code'), 'conflict', 409, 'externalRef'],
      [doc('AlreadyExists', 'billingAddress.email'), 'conflict', 409, 'email'],
      [doc('InvalidValue', 'billingAddress.email'), 'validation_failed', 400, 'email'],
      [doc('Malformed', 'password'), 'validation_failed', 400, 'password'],
      [doc('Missing', 'billingAddress.street1'), 'validation_failed', 400, 'addresses.0.line1'],
      // The adapter picks every key it sends: the caller can fix neither of these.
      [doc('UnknownField', 'shippingAddress.stateProv'), 'upstream_error', 502, undefined],
      [doc('Malformed', ''), 'upstream_error', 502, undefined],
      [doc('InvalidValue', 'canLogin'), 'validation_failed', 400, 'active'],
      [doc('AccessDenied'), 'upstream_auth_failed', 502, undefined],
      [doc('InvalidValue', 'method'), 'upstream_error', 502, undefined],
      [doc('SomethingNew', 'x'), 'upstream_error', 502, undefined],
    ];
    for (const [error, code, status, path] of cases) {
      const mapped = fromErrorDocument(error, 'commerce.customers.create', create);
      expect([mapped.code, mapped.status], `${error.type} ${error.field}`).toEqual([code, status]);
      expect(mapped.upstream).toEqual({ status: 200, code: error.type });
      if (path) expect(mapped.errors?.[0]?.path).toBe(path);
      else expect(mapped.errors).toBeUndefined();
      expect(mapped.message).not.toContain('secret');
    }
  });

  it('names billing fields as the address route sees them, or as customer fields on customer routes', () => {
    expect(canonicalPath('billingAddress.firstName', { billing: '' })).toBe('firstName');
    expect(canonicalPath('billingAddress.phoneNumber', { billing: '' })).toBe('phone');
    expect(canonicalPath('billingAddress.phoneNumber', { customerNames: true })).toBe('phones.primary');
    expect(canonicalPath('billingAddress.stateProv', { billing: '' })).toBe('stateCode');
    expect(canonicalPath('shippingAddress.name', { shipping: '' })).toBe('fullName');
  });
});

describe('open2b HTTP-level answers', () => {
  const answer = (status: number, headers: Record<string, string> = {}) =>
    fromHttpStatus(new Response('plain text', { status, headers }), 'commerce.customers.get');
  it('maps 403 to upstream_auth_failed (502), 429 to rate_limited with Retry-After, others to upstream_error', () => {
    expect([answer(403).code, answer(403).status]).toEqual(['upstream_auth_failed', 502]);
    expect(answer(401).code).toBe('upstream_auth_failed');
    const limited = answer(429, { 'retry-after': '42' });
    expect([limited.code, limited.status, limited.retryAfter]).toEqual(['rate_limited', 429, 42]);
    expect(answer(429).retryAfter).toBeUndefined();
    expect(answer(404).message).toContain('OPEN2B_BASE_URL');
    expect([answer(500).code, answer(503).code]).toEqual(['upstream_error', 'upstream_error']);
  });
});
