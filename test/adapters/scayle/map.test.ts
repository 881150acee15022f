import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../adapters/errors.js';
import { joinLine, splitLine, streetPartsFor } from '../../../adapters/scayle/address-lines.js';
import { toGatewayError } from '../../../adapters/scayle/errors.js';
import {
  toScayleAddressPatch,
  toScayleCustomerPatch,
  fromScayleAddress,
  fromScayleCustomer,
  toScayleAddressCreate,
  toScayleCustomerCreate,
} from '../../../adapters/scayle/map.js';
import { ScayleAddressSchema, ScayleCustomerSchema } from '../../../adapters/scayle/upstream.js';
import {
  AddressCreateSchema,
  CustomerCreateSchema,
  type AddressCreateInput,
  type CustomerCreateInput,
} from '../../../schemas/index.js';
import customerFixture from './fixtures/customer.json' with { type: 'json' };
import minimalFixture from './fixtures/customer-minimal.json' with { type: 'json' };
import conflictFixture from './fixtures/error-conflict.json' with { type: 'json' };
import addressErrorFixture from './fixtures/error-validation-address.json' with { type: 'json' };

const customer = ScayleCustomerSchema.parse(customerFixture);
const refusal = (run: () => unknown): GatewayError => {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
};
const addressInput = (overrides: Partial<AddressCreateInput> = {}) =>
  AddressCreateSchema.parse({
    lastName: 'Roe',
    line1: 'Hauptstraße 5',
    city: 'Berlin',
    postalCode: '10115',
    countryCode: 'DE',
    ...overrides,
  });
const customerInput = (overrides: Partial<CustomerCreateInput> = {}) =>
  CustomerCreateSchema.parse({ email: 'jane@example.com', ...overrides });

describe('SCAYLE customer → canonical', () => {
  it('maps every documented field', () => {
    expect(fromScayleCustomer(customer, false)).toEqual({
      id: '42',
      customerNo: 'customer-0042',
      externalRef: 'crm-42',
      email: 'greta.beispiel@example.de',
      firstName: 'Greta',
      lastName: 'Beispiel',
      title: 'Prof.',
      gender: 'female',
      birthDate: '1975-04-30',
      companyName: 'Beispiel GmbH',
      phones: { primary: '+49 40 555 0101' },
      status: { active: true, guest: false },
      groups: ['employee', 'newsletter'],
      hasPassword: true,
      createdAt: '2019-02-01T08:15:00+00:00',
      updatedAt: '2024-06-30T21:00:05+00:00',
      custom: { origin: 'pos', score: { result: 'green' } },
    });
  });

  it('leaves out what SCAYLE sends as null, [] or an empty list, and maps guest status', () => {
    expect(fromScayleCustomer(ScayleCustomerSchema.parse(minimalFixture), true)).toEqual({
      id: '43',
      email: 'minimal@example.com',
      status: { active: false, guest: true },
      createdAt: '2024-01-01T00:00:00+00:00',
      updatedAt: '2024-01-01T00:00:00+00:00',
      addresses: [],
    });
  });

  it('maps gender m/f/d/n to male/female/diverse/unspecified', () => {
    const genders = (['m', 'f', 'd', 'n'] as const).map(
      (g) => fromScayleCustomer({ ...customer, gender: g }, false).gender,
    );
    expect(genders).toEqual(['male', 'female', 'diverse', 'unspecified']);
  });

  it('includes addresses only when asked', () => {
    expect(fromScayleCustomer(customer, false)).not.toHaveProperty('addresses');
    expect(fromScayleCustomer(customer, true).addresses).toHaveLength(2);
  });
});

describe('SCAYLE address → canonical', () => {
  const [home, london] = customer.addresses!.map((a) => ScayleAddressSchema.parse(a));

  it('joins street and house number in the country order and converts alpha-3', () => {
    expect(fromScayleAddress(home!)).toEqual({
      id: '501',
      externalRef: 'home',
      firstName: 'Greta',
      lastName: 'Beispiel',
      title: 'Prof.',
      line1: 'Mönckebergstraße 7a',
      line2: '3. OG',
      street: 'Mönckebergstraße',
      houseNumber: '7a',
      city: 'Hamburg',
      postalCode: '20095',
      stateCode: 'Hamburg',
      countryCode: 'DE',
      phone: '+49 40 555 0102',
      isDefaultBilling: true,
      isDefaultShipping: true,
    });
    expect(fromScayleAddress(london!)).toMatchObject({
      line1: '221B Baker Street',
      countryCode: 'GB',
      isDefaultBilling: false,
      collectionPoint: { key: 'L-77', type: 'dhl_packstation', description: 'Locker', customerKey: 'pk-9' },
    });
  });

  it('treats an unknown country code as a broken upstream contract', () => {
    expect(refusal(() => fromScayleAddress({ ...home!, countryCode: 'XYZ' })).code).toBe('upstream_contract_violation');
  });
});

describe('line1 ↔ street + houseNumber', () => {
  it.each([
    ['DE', 'Hauptstraße 5', 'Hauptstraße', '5'],
    ['DE', 'Straße des 17. Juni 135', 'Straße des 17. Juni', '135'],
    ['AT', 'Mariahilfer Straße 120/3', 'Mariahilfer Straße', '120/3'],
    ['NL', 'Prinsengracht 263-267', 'Prinsengracht', '263-267'],
    ['IT', 'Via Roma 12b', 'Via Roma', '12b'],
    ['IT', 'Via Roma, 12', 'Via Roma', '12'],
    ['ES', 'Calle Mayor, 5', 'Calle Mayor', '5'],
    ['CH', 'Bahnhofstrasse  1', 'Bahnhofstrasse', '1'],
    ['US', '350 5th Avenue', '5th Avenue', '350'],
    ['GB', '12 St James Square', 'St James Square', '12'],
    ['FR', '55, rue du Faubourg Saint-Honoré', 'rue du Faubourg Saint-Honoré', '55'],
    ['DE', 'Am Markt', 'Am Markt', null],
    ['US', 'PO Box 12', 'PO Box 12', null],
  ])('%s %s', (country, line, street, houseNumber) => {
    expect(splitLine(line, country)).toEqual({ street, houseNumber });
  });

  it('round-trips generated streets and house numbers in both orders', () => {
    const word = fc.stringMatching(/^[A-ZÄÖÜ][a-zäöüß]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.stringMatching(/^[1-9]\d{0,3}[a-d]?$/),
        fc.constantFrom('DE', 'US', 'GB', 'IT'),
        (words, number, country) => {
          const street = words.join(' ');
          expect(splitLine(joinLine(street, number, country), country)).toEqual({ street, houseNumber: number });
        },
      ),
    );
  });

  it('takes explicit street and houseNumber with line1 when they agree, and refuses a line1 they contradict', () => {
    expect(streetPartsFor({ line1: 'Lange  Reihe 9', street: 'Lange Reihe', houseNumber: '9' }, 'DE')).toEqual({
      street: 'Lange Reihe',
      houseNumber: '9',
    });
    expect(streetPartsFor({ line1: '55, rue de Rivoli', street: 'rue de Rivoli', houseNumber: '55' }, 'FR')).toEqual({
      street: 'rue de Rivoli',
      houseNumber: '55',
    });
    expect(
      streetPartsFor({ line1: 'Hauptstraße 5 Hinterhaus', street: 'Hauptstraße', houseNumber: '5 Hinterhaus' }, 'DE'),
    ).toEqual({ street: 'Hauptstraße', houseNumber: '5 Hinterhaus' });
    // Storing street + houseNumber would silently drop what line1 says.
    expect(streetPartsFor({ line1: 'Gran Via 1', street: 'Lange Reihe', houseNumber: '9' }, 'DE')).toMatchObject({
      field: 'line1',
      message: expect.stringContaining('Lange Reihe 9'),
    });
    expect(streetPartsFor({ line1: 'Hauptstraße 5', street: 'Hauptstr.' }, 'DE')).toMatchObject({ field: 'line1' });
    expect(streetPartsFor({ line1: 'Lange Reihe 9', street: 'Lange Reihe' }, 'DE')).toEqual({
      street: 'Lange Reihe',
      houseNumber: '9',
    });
    expect(streetPartsFor({ line1: 'Lange Reihe', houseNumber: '9' }, 'DE')).toEqual({
      street: 'Lange Reihe',
      houseNumber: '9',
    });
    expect(streetPartsFor({ line1: 'Lange Reihe 7', houseNumber: '9' }, 'DE')).toMatchObject({ field: 'houseNumber' });
  });
});

describe('canonical → SCAYLE writes', () => {
  it('builds the address create body from line1 alone', () => {
    expect(
      toScayleAddressCreate(
        addressInput({ firstName: 'Jane', line2: 'Hinterhaus', isDefaultBilling: true, externalRef: 'home' }),
      ),
    ).toEqual({
      referenceKey: 'home',
      street: 'Hauptstraße',
      houseNumber: '5',
      additional: 'Hinterhaus',
      zipCode: '10115',
      city: 'Berlin',
      countryCode: 'DEU',
      isDefault: { billing: true, shipping: false },
      recipient: { firstName: 'Jane', lastName: 'Roe' },
    });
  });

  it('writes a US line number-first and keeps the collection point', () => {
    const body = toScayleAddressCreate(
      addressInput({
        line1: '1600 Pennsylvania Avenue NW',
        countryCode: 'US',
        stateCode: 'DC',
        collectionPoint: { key: 'k', type: 'locker' },
      }),
    );
    expect(body).toMatchObject({
      street: 'Pennsylvania Avenue NW',
      houseNumber: '1600',
      countryCode: 'USA',
      state: 'DC',
      collectionPoint: { key: 'k', type: 'locker' },
    });
  });

  it('refuses, all at once, address fields SCAYLE cannot store, an id and a long title', () => {
    const error = refusal(() =>
      toScayleAddressCreate(
        addressInput({ id: 'home', companyName: 'ACME', suite: '4', title: 'x'.repeat(31) }),
        'addresses.0.',
      ),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors!.map((e) => e.path).sort()).toEqual([
      'addresses.0.companyName',
      'addresses.0.id',
      'addresses.0.suite',
      'addresses.0.title',
    ]);
  });

  it('builds the customer create body and refuses what SCAYLE has no field for', () => {
    expect(
      toScayleCustomerCreate(
        customerInput({
          gender: 'diverse',
          phones: { primary: '+49 1' },
          externalRef: 'x-1',
          custom: { a: 1 },
          groups: ['vip'],
        }),
      ),
    ).toEqual({
      email: 'jane@example.com',
      gender: 'd',
      phone: '+49 1',
      referenceKey: 'x-1',
      legacyCustomData: { a: 1 },
      groups: ['vip'],
    });
    const error = refusal(() =>
      toScayleCustomerCreate(customerInput({ phones: { mobile: '1' }, companyName: 'ACME', login: 'jane' })),
    );
    expect(error.errors!.map((e) => e.path).sort()).toEqual(['companyName', 'login', 'phones.mobile']);
    expect(() => toScayleCustomerCreate(customerInput({ login: 'jane@example.com' }))).not.toThrow();
  });

  it('splits a customer PATCH over SCAYLE endpoints; null clears', () => {
    expect(
      toScayleCustomerPatch({
        firstName: null,
        gender: 'male',
        phones: null,
        externalRef: 'r-2',
        active: false,
        groups: null,
        custom: null,
      }),
    ).toEqual({
      body: { firstName: null, gender: 'm', phone: null },
      referenceKey: 'r-2',
      active: false,
      groups: [],
      custom: {},
    });
    expect(refusal(() => toScayleCustomerPatch({ externalRef: null })).errors).toEqual([
      { path: 'externalRef', message: expect.any(String) },
    ]);
    expect(() => toScayleCustomerPatch({ salutation: null, jobTitle: null })).not.toThrow();
  });

  it('re-splits line1 on an address PATCH, keeps the recipient gender and merges defaults', () => {
    const current = ScayleAddressSchema.parse(customer.addresses![0]);
    expect(
      toScayleAddressPatch({ line1: 'Jungfernstieg 1', lastName: 'Neu', isDefaultShipping: false }, current),
    ).toEqual({
      body: {
        street: 'Jungfernstieg',
        houseNumber: '1',
        isDefault: { billing: true, shipping: false },
        recipient: { firstName: 'Greta', lastName: 'Neu', gender: 'f', title: 'Prof.' },
      },
    });
    expect(toScayleAddressPatch({ houseNumber: null, countryCode: 'AT', line2: null }, current).body).toEqual({
      houseNumber: null,
      countryCode: 'AUT',
      additional: null,
    });
    expect(refusal(() => toScayleAddressPatch({ street: null }, current)).errors![0]!.path).toBe('street');
  });
});

describe('SCAYLE errors → GatewayError', () => {
  const scope = { kind: 'address' as const, prefix: 'addresses.0.', notFound: 'gone' };

  it('turns context fields into canonical paths and keeps the errorKey', () => {
    const error = toGatewayError(400, new Headers(), addressErrorFixture, scope);
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([
      { path: 'addresses.0.postalCode', message: 'The field zipCode is too long.' },
      { path: 'addresses.0.lastName', message: 'The field recipient.lastName is required.' },
    ]);
    expect(error.upstream).toEqual({ status: 400, code: 'INVALID_FIELD_VALUE' });
  });

  it('maps 409 to conflict on the customer path', () => {
    const error = toGatewayError(409, new Headers(), conflictFixture, { kind: 'customer', notFound: 'x' });
    expect(error).toMatchObject({
      code: 'conflict',
      status: 409,
      errors: [{ path: 'email', message: expect.any(String) }],
      upstream: { status: 409, code: 'CUSTOMER_EMAIL_ALREADY_EXISTS' },
    });
  });

  it('never answers our credential problems as the caller’s 401/403', () => {
    for (const status of [401, 403]) {
      const error = toGatewayError(
        status,
        new Headers(),
        { errors: [{ errorKey: 'UNAUTHORIZED', message: 'token abc123 invalid', context: {} }] },
        scope,
      );
      expect(error.code).toBe('upstream_auth_failed');
      expect(error.status).toBe(502);
      expect(error.message).not.toContain('abc123');
    }
  });

  it('reads Retry-After for a 429 from X-RateLimit-Reset', () => {
    const error = toGatewayError(
      429,
      new Headers({ 'x-ratelimit-reset': '42' }),
      { errors: [{ errorKey: 'RATE_LIMIT_EXCEED', message: 'x', context: {} }] },
      scope,
    );
    expect(error).toMatchObject({ code: 'rate_limited', retryAfter: 42, upstream: { code: 'RATE_LIMIT_EXCEED' } });
  });

  it('maps the other documented statuses', () => {
    const codes = [404, 408, 412, 413, 424, 500, 503].map(
      (s) => toGatewayError(s, new Headers(), 'not json', scope).code,
    );
    expect(codes).toEqual([
      'not_found',
      'upstream_timeout',
      'rejected',
      'payload_too_large',
      'upstream_error',
      'upstream_error',
      'upstream_unavailable',
    ]);
  });
});
