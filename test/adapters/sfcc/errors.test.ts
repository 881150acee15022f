import { describe, expect, it } from 'vitest';
import { ocapiError } from '../../../adapters/sfcc/errors.js';
import { fault } from './fixtures/documents.js';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('sfcc fault documents → canonical errors', () => {
  // Every fault type the 16.4 seed and the 20.4 spec list, with the status OCAPI answers it with.
  const table: [string, number, string, string | undefined][] = [
    ['CustomerNotFoundException', 404, 'not_found', undefined],
    ['NotFoundException', 404, 'not_found', undefined],
    ['CustomerAddressNotFoundException', 404, 'not_found', undefined],
    ['PaymentInstrumentNotFoundException', 404, 'not_found', undefined],
    ['InvalidCustomerException', 400, 'upstream_auth_failed', undefined],
    ['CustomerAlreadyRegisteredException', 400, 'upstream_auth_failed', undefined],
    ['LoginAlreadyInUseException', 400, 'conflict', 'login'],
    ['AddressIdAlreadyInUseException', 400, 'conflict', 'id'],
    ['AddressNameAlreadyInUseException', 400, 'conflict', 'id'],
    ['InvalidCustomerAddressIdException', 400, 'validation_failed', 'id'],
    ['MissingEmailException', 400, 'validation_failed', 'email'],
    ['MissingLastNameException', 400, 'validation_failed', 'lastName'],
    ['MissingLoginException', 400, 'validation_failed', 'login'],
    ['MissingPasswordException', 400, 'validation_failed', 'password'],
    ['InvalidLoginException', 400, 'validation_failed', 'login'],
    ['InvalidPasswordException', 400, 'validation_failed', 'password'],
    ['InvalidEmailException', 400, 'validation_failed', 'email'],
    ['AuthorizationBasicMissingException', 400, 'upstream_auth_failed', undefined],
    ['AuthenticationFailedException', 401, 'upstream_auth_failed', undefined],
    ['ExpiredTokenException', 401, 'upstream_auth_failed', undefined],
    ['InvalidAccessTokenException', 401, 'upstream_auth_failed', undefined],
  ];

  it.each(table)('%s (%i) → %s naming %s', async (type, status, code, path) => {
    const error = await ocapiError(answer(status, fault(type, 'secret upstream text')), 'customer 1');
    expect(error.code).toBe(code);
    expect(error.upstream).toEqual({ status, code: type });
    if (path) expect(error.errors).toEqual([expect.objectContaining({ path })]);
    expect(error.message).not.toContain('secret upstream text');
  });

  it('HookStatusException → 422 rejected carrying the hook status message (typed arguments too)', async () => {
    const plain = await ocapiError(
      answer(
        400,
        fault('HookStatusException', "Error in ExtensionPoint 'dw.ocapi.shop.customer.beforePatchCustomer'!", {
          statusCode: 'CRM_DOWN',
          statusMessage: 'CRM is read-only today.',
        }),
      ),
      'customer 1',
    );
    expect(plain).toMatchObject({ code: 'rejected', status: 422, upstream: { status: 400, code: 'CRM_DOWN' } });
    expect(plain.message).toContain('CRM is read-only today.');
    const typed = await ocapiError(
      answer(400, fault('HookStatusException', 'hook', { statusMessage: { type: 'string', value: 'Typed message.' } })),
      'customer 1',
    );
    expect(typed.message).toContain('Typed message.');
  });

  it('429 → rate_limited with Retry-After passed on; 412 → precondition_failed', async () => {
    const limited = await ocapiError(
      answer(429, fault('QuotaExceededException'), { 'retry-after': '17' }),
      'customer 1',
    );
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfter: 17 });
    expect((await ocapiError(answer(412, fault('IfMatchPreconditionFailedException')), 'customer 1')).code).toBe(
      'precondition_failed',
    );
  });

  it('an unknown 400 naming a custom attribute is the caller’s field; other unknowns are upstream errors', async () => {
    const custom = await ocapiError(
      answer(400, fault('SomeAttributeException', 'x', { property: { type: 'string', value: 'c_shoeSize' } })),
      'customer 1',
    );
    expect(custom).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'custom.shoeSize', message: 'not accepted by SFCC' }],
    });
    expect((await ocapiError(answer(400, fault('SomethingNewException')), 'x')).code).toBe('upstream_error');
    expect((await ocapiError(answer(500, fault('InternalServerErrorException')), 'x')).code).toBe('upstream_error');
    expect((await ocapiError(answer(403, fault('ClientAccessForbiddenException')), 'x')).code).toBe(
      'upstream_auth_failed',
    );
    expect((await ocapiError(answer(503, 'Service Unavailable <html>'), 'x')).code).toBe('upstream_error');
  });

  it('the other statuses OCAPI uses: 405/415 are our bug (502), 409 a conflict, 404 without a known type not_found', async () => {
    expect((await ocapiError(answer(405, fault('MethodNotAllowedException')), 'x')).code).toBe('upstream_error');
    expect((await ocapiError(answer(415, fault('UnsupportedMediaTypeException')), 'x')).code).toBe('upstream_error');
    expect((await ocapiError(answer(409, fault('ConcurrentModificationException')), 'x')).code).toBe('conflict');
    expect((await ocapiError(answer(404, fault('ResourcePathNotFoundException')), 'x')).code).toBe('not_found');
  });

  it('an unknown 400 naming a property we wrote names the canonical field the caller sent', async () => {
    const limit = (property: string) =>
      answer(400, fault('PropertyConstraintViolationException', 'too long', { property }));
    expect(await ocapiError(limit('phone_home'), 'customer 1', 'c_externalRef')).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'phones.primary' }],
    });
    expect(await ocapiError(limit('address1'), 'address a', 'c_externalRef')).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'line1' }],
    });
    // The external-ref attribute is `externalRef` for the caller (a site without the attribute says so).
    const ref = await ocapiError(
      answer(400, fault('UnknownPropertyException', 'x', { property: 'c_crmId' })),
      'customer 1',
      'c_crmId',
    );
    expect(ref).toMatchObject({ code: 'validation_failed', errors: [{ path: 'externalRef' }] });
    expect(ref.message).toContain('SFCC_EXTERNAL_REF_ATTRIBUTE');
    // A read-only property we never send is not the caller's fault.
    expect((await ocapiError(limit('customer_no'), 'customer 1', 'c_externalRef')).code).toBe('upstream_error');
  });
});
