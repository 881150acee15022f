import { describe, expect, it } from 'vitest';
import { toGatewayError, type ErrorScope } from '../../../adapters/scapi/errors.js';
import { buildGateway } from '../../conformance/harness.js';

const TYPE = 'https://api.commercecloud.salesforce.com/documentation/error/v1/errors/';
const problem = (slug: string, extra: object = {}) => ({
  title: 'T',
  type: `${TYPE}${slug}`,
  detail: 'Some detail.',
  ...extra,
});
const customer: ErrorScope = { kind: 'customer', notFound: 'customer 7 does not exist', loginPath: 'email' };
const address: ErrorScope = {
  kind: 'address',
  notFound: 'address a of customer 7 does not exist',
  prefix: 'addresses.0.',
};
const map = (status: number, body: unknown, scope = customer, headers: Record<string, string> = {}) =>
  toGatewayError(status, new Headers(headers), body, scope, 'c_externalRef');

describe('scapi errors', () => {
  it('maps RFC 7807 problem types to canonical codes, naming the canonical field', () => {
    expect(map(404, problem('customer-not-found'))).toMatchObject({
      code: 'not_found',
      message: 'customer 7 does not exist',
      upstream: { status: 404, code: 'customer-not-found' },
    });
    expect(map(400, problem('login-already-in-use'))).toMatchObject({ code: 'conflict', errors: [{ path: 'email' }] });
    expect(map(400, problem('address-id-already-in-use'), address)).toMatchObject({
      code: 'conflict',
      errors: [{ path: 'addresses.0.id' }],
    });
    expect(map(400, problem('invalid-property', { property: 'c_externalRef' }))).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'externalRef' }],
    });
    expect(map(400, problem('invalid-property', { property: 'address1' }), address)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'addresses.0.line1' }],
    });
    expect(map(400, problem('invalid-property', { property: 'phoneHome' }))).toMatchObject({
      errors: [{ path: 'phones.primary' }],
    });
    expect(map(400, problem('invalid-password', { property: 'password' }))).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'password' }],
    });
    expect(map(400, problem('invalid-customer'))).toMatchObject({
      code: 'rejected',
      message: expect.stringContaining('Some detail.'),
    });
    expect(map(401, problem('invalid-access-token'))).toMatchObject({ code: 'upstream_auth_failed', status: 502 });
    expect(map(404, problem('customer-list-not-found'))).toMatchObject({
      code: 'upstream_error',
      message: expect.stringContaining('SCAPI_CUSTOMER_LIST'),
    });
    expect(map(500, problem('internal-server-error'))).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(map(502, '<html>bad gateway</html>')).toMatchObject({ code: 'upstream_error', upstream: { status: 502 } });
  });

  it('turns 429 and load-shedding 503s into rate_limited / upstream_unavailable with Retry-After', () => {
    expect(map(429, problem('too-many-requests'), customer, { 'retry-after': '17' })).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfter: 17,
    });
    const reset = String(Math.floor(Date.now() / 1000) + 42);
    expect(
      map(429, { error: 'invalid_request', error_description: 'Too many' }, customer, { 'x-ratelimit-1m-reset': reset })
        .retryAfter,
    ).toBeGreaterThanOrEqual(41);
    expect(map(429, {}).retryAfter).toBe(60);
    const shed = map(503, problem('service-unavailable'), customer, { sfdc_load: '100', sfdc_load_status: 'THROTTLE' });
    expect(shed).toMatchObject({
      code: 'upstream_unavailable',
      status: 503,
      retryAfter: 5,
      message: expect.stringContaining('sfdc_load 100%'),
    });
    expect(map(503, {}, customer, { 'retry-after': '3' }).retryAfter).toBe(3);
  });

  it('answers the gateway caller 503 + Retry-After when SCAPI sheds load, 429 + Retry-After when it rate limits', async () => {
    const gw = buildGateway('scapi', { BACKENDS: 'scapi' });
    const embedded = gw.deps.emulators.get('scapi')!;
    embedded.faults.inject({ status: 503, path: '/customer-search' });
    const shed = await gw.call('GET', '/customers?limit=2');
    expect(shed.status).toBe(503);
    expect(shed.body).toMatchObject({ code: 'upstream_unavailable', backend: 'scapi' });
    expect(shed.headers.get('retry-after')).toBe('5');
    embedded.faults.clear();
    embedded.faults.inject({ rateLimitSeconds: 30, path: '/customer-search' });
    const limited = await gw.call('GET', '/customers?limit=2');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
  });
});
