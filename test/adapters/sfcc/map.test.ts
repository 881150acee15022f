import { describe, expect, it } from 'vitest';
import {
  toOcapiAddressCreate,
  fromOcapiAddress,
  toOcapiAddressPatch,
  toOcapiCustomerCreate,
  fromOcapiCustomer,
  toOcapiCustomerPatch,
  makeAddressId,
} from '../../../adapters/sfcc/map.js';
import { GatewayError } from '../../../adapters/errors.js';
import { OcapiAddressSchema, OcapiCustomerSchema } from '../../../adapters/sfcc/upstream.js';
import { AddressSchema, CustomerSchema } from '../../../schemas/index.js';
import { dataCustomer, guestCustomer, shopAddress, shopCustomer } from './fixtures/documents.js';
import { addressInput, customerInput } from './helpers.js';

const mapErrors = (build: () => unknown) => {
  try {
    build();
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'validation_failed') return error.errors ?? [];
    throw error;
  }
  throw new Error('expected a validation_failed GatewayError');
};

describe('sfcc mapping: OCAPI → canonical', () => {
  it('maps a Shop API customer per the table in docs/backends/sfcc.md and the result is a valid canonical customer', () => {
    const customer = fromOcapiCustomer(OcapiCustomerSchema.parse(shopCustomer), 'c_externalRef');
    expect(customer).toEqual({
      id: 'abfTWMDZOgi3JPzkHjv9IhmziI',
      customerNo: '999',
      externalRef: 'CRM-42',
      email: 'john.doe@example.com',
      login: 'jdoe',
      firstName: 'John',
      lastName: 'Doe',
      secondName: 'M.',
      salutation: 'Mr.',
      title: 'Dr.',
      gender: 'male',
      birthDate: '1979-09-30',
      phones: { primary: '123450003', mobile: '345670003', business: '234560003', fax: '+49 03641 78393 343' },
      status: { active: true, guest: false },
      createdAt: '2015-08-20T11:30:36.000Z',
      updatedAt: '2024-02-01T08:00:00.123Z',
      lastLoginAt: '2024-02-02T09:15:00.000Z',
      custom: { origin: 'webshop', loyaltyTier: 2 },
      addresses: [
        expect.objectContaining({
          id: 'me',
          line1: '10 Presidential Way',
          stateCode: 'MA',
          countryCode: 'US',
          isDefaultBilling: true,
          isDefaultShipping: true,
        }),
      ],
    });
    expect(CustomerSchema.safeParse(customer).success).toBe(true);
  });

  it('reads externalRef from the configured attribute and leaves the others in custom', () => {
    const customer = fromOcapiCustomer(OcapiCustomerSchema.parse(shopCustomer), 'c_origin');
    expect(customer.externalRef).toBe('webshop');
    expect(customer.custom).toEqual({ loyaltyTier: 2, externalRef: 'CRM-42' });
  });

  it('maps female, and leaves a gender OCAPI does not define out', () => {
    const parse = (gender: number) =>
      fromOcapiCustomer(OcapiCustomerSchema.parse({ ...shopCustomer, gender }), 'c_externalRef').gender;
    expect(parse(2)).toBe('female');
    expect(parse(0)).toBeUndefined();
  });

  it('maps a Data API customer (login and enabled under credentials) and a guest', () => {
    const data = fromOcapiCustomer(OcapiCustomerSchema.parse(dataCustomer), 'c_externalRef');
    expect(data).toMatchObject({
      id: dataCustomer.customer_id,
      login: 'jsmith',
      externalRef: 'CRM-43',
      status: { active: false, guest: false },
    });
    const guest = fromOcapiCustomer(OcapiCustomerSchema.parse(guestCustomer), 'c_externalRef');
    expect(guest.status).toEqual({ active: true, guest: true });
  });

  it('maps a customer_address; preferred false means no default; country upper-cased; etag dropped', () => {
    const address = fromOcapiAddress(OcapiAddressSchema.parse(shopAddress));
    expect(address).toEqual({
      id: 'home_address',
      firstName: 'John',
      lastName: 'Murphy',
      fullName: 'John Jim Murphy',
      secondName: 'Jim',
      title: 'Dr.',
      salutation: 'Mr.',
      companyName: 'Acme',
      jobTitle: 'Developer',
      line1: '5 Wall St',
      line2: '24 Presidential Way',
      postBox: '12a',
      suite: '4B',
      city: 'Burlington',
      postalCode: '01805',
      stateCode: 'MA',
      countryCode: 'US',
      phone: '408-555-1212',
      isDefaultBilling: false,
      isDefaultShipping: false,
    });
    expect(AddressSchema.safeParse(address).success).toBe(true);
  });
});

describe('sfcc mapping: canonical → OCAPI', () => {
  it('registers with login, email and last name only; the rest is the follow-up PATCH', () => {
    const plan = toOcapiCustomerCreate(
      customerInput({
        email: 'a@example.com',
        lastName: 'Roe',
        firstName: 'Jane',
        gender: 'female',
        birthDate: '1990-01-02',
        externalRef: 'X-1',
        phones: { primary: '1', business: '2' },
        custom: { origin: 'api' },
        active: false,
      }),
      'c_externalRef',
    );
    expect(plan.registration).toEqual({ login: 'a@example.com', email: 'a@example.com', last_name: 'Roe' });
    expect(plan.profile).toEqual({
      first_name: 'Jane',
      gender: 2,
      birthday: '1990-01-02',
      phone_home: '1',
      phone_business: '2',
      enabled: false,
      c_origin: 'api',
      c_externalRef: 'X-1',
    });
  });

  it('uses a given login, and treats gender unspecified as no gender', () => {
    const plan = toOcapiCustomerCreate(customerInput({ login: 'jroe', gender: 'unspecified' }), 'c_externalRef');
    expect(plan.registration.login).toBe('jroe');
    expect(plan.profile).not.toHaveProperty('gender');
  });

  it('refuses what OCAPI cannot store, naming every field at once', () => {
    const errors = mapErrors(() =>
      toOcapiCustomerCreate(
        customerInput({
          lastName: undefined,
          gender: 'diverse',
          groups: ['vip'],
          custom: { 'bad-key': 1, nested: { a: 1 }, externalRef: 'x' },
          addresses: [addressInput({ street: 'Hauptstraße', houseNumber: '5' })],
        }),
        'c_externalRef',
      ),
    );
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'addresses.0.houseNumber',
        'addresses.0.street',
        'custom.bad-key',
        'custom.externalRef',
        'custom.nested',
        'gender',
        'groups',
        'lastName',
      ].sort(),
    );
  });

  it('patches: null clears strings with "", phones and custom replace as a whole', () => {
    const doc = toOcapiCustomerPatch(
      {
        firstName: null,
        title: 'Prof.',
        phones: { mobile: '0170' },
        custom: { origin: 'new' },
        externalRef: null,
        active: false,
      },
      'c_externalRef',
      ['c_origin', 'c_loyaltyTier', 'c_externalRef'],
    );
    expect(doc).toEqual({
      first_name: '',
      title: 'Prof.',
      phone_home: '',
      phone_mobile: '0170',
      phone_business: '',
      fax: '',
      enabled: false,
      c_externalRef: null,
      c_origin: 'new',
      c_loyaltyTier: null,
    });
  });

  it('refuses patches the Shop API cannot carry out', () => {
    const errors = mapErrors(() =>
      toOcapiCustomerPatch(
        { login: 'new', gender: null, birthDate: null, lastName: null, groups: [] },
        'c_externalRef',
      ),
    );
    expect(errors.map((e) => e.path).sort()).toEqual(['birthDate', 'gender', 'groups', 'lastName', 'login']);
  });

  it('refuses clearing the login, even where the Data API changes logins (every SFCC customer has one)', () => {
    const errors = mapErrors(() =>
      toOcapiCustomerPatch({ login: null, firstName: 'Jo' }, 'c_externalRef', [], { loginThroughDataApi: true }),
    );
    expect(errors).toEqual([{ path: 'login', message: 'SFCC customers always have a login' }]);
  });

  it('writes an address with preferred for either default and a made-up name when none is given', () => {
    const doc = toOcapiAddressCreate(addressInput({ isDefaultShipping: true, line2: 'c/o Roe', stateCode: 'BE' }), () =>
      makeAddressId(() => 'abc123'),
    );
    expect(doc).toEqual({
      address_id: 'address-abc123',
      first_name: 'Jane',
      last_name: 'Roe',
      address1: 'Hauptstraße 5',
      address2: 'c/o Roe',
      city: 'Berlin',
      postal_code: '10115',
      state_code: 'BE',
      country_code: 'DE',
      preferred: true,
    });
    expect(toOcapiAddressCreate(addressInput({ id: 'home' }), () => 'unused')).toMatchObject({
      address_id: 'home',
      preferred: false,
    });
  });

  it('makes address names with nothing of the address in them (they travel as ids in events and logs)', () => {
    const names = new Set(Array.from({ length: 100 }, () => makeAddressId()));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^address-[0-9a-f]{8}$/);
  });

  it('patches an address: rename, clears, one default flag sets preferred', () => {
    expect(toOcapiAddressPatch({ id: 'new-name', line2: null, isDefaultBilling: true })).toEqual({
      address_id: 'new-name',
      address2: '',
      preferred: true,
    });
    expect(toOcapiAddressPatch({ isDefaultBilling: false, isDefaultShipping: true })).toEqual({ preferred: true });
    expect(mapErrors(() => toOcapiAddressPatch({ collectionPoint: { key: 'k', type: 't' } }))).toEqual([
      expect.objectContaining({ path: 'collectionPoint' }),
    ]);
  });
});
