import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../adapters/errors.js';
import { OPEN2B_LIMITS } from '../../../adapters/open2b/limits.js';
import {
  toOpen2bAddressCreate,
  toOpen2bAddressPatch,
  toOpen2bCustomerCreate,
  toOpen2bCustomerPatch,
} from '../../../adapters/open2b/write.js';
import type { CustomerWire } from '../../../adapters/open2b/upstream.js';
import {
  AddressCreateSchema,
  CustomerCreateSchema,
  CustomerPatchSchema,
  type AddressCreateInput,
  type CustomerCreateInput,
} from '../../../schemas/index.js';

const address = (o: Partial<AddressCreateInput> = {}) => ({
  firstName: 'Erika',
  lastName: 'Muster',
  line1: 'Hauptstraße 5',
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
  ...o,
});
const register = (o: Partial<CustomerCreateInput> = {}) =>
  CustomerCreateSchema.parse({
    email: 'erika@example.de',
    firstName: 'Erika',
    lastName: 'Muster',
    password: 'secret-12',
    addresses: [address({ isDefaultBilling: true, isDefaultShipping: true })],
    ...o,
  });

function error(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

const stored: CustomerWire = {
  id: 7,
  code: '',
  canLogin: true,
  hasPassword: true,
  creationTime: '2025-01-01 10:00:00',
  loginTime: null,
  updateTime: '2025-01-01 10:00:00',
  group: 1,
  billingAddress: {
    firstName: 'Erika',
    lastName: 'Muster',
    personalCode: 'MSTRKE80A41Z112X',
    companyName: '',
    companyCode: 'DE123456789',
    companyCode2: '',
    street1: 'Hauptstraße 5',
    street2: '',
    city: 'Berlin',
    postalCode: '10115',
    stateProv: '',
    country: 'DE',
    phoneNumber: '',
    mobileNumber: '',
    faxNumber: '',
    email: 'erika@example.de',
  },
  shippingAddress: null,
};

describe('open2b register payload', () => {
  it('puts names, email and phones into the billing address and the second address into the shipping slot', () => {
    const { customer } = toOpen2bCustomerCreate(
      register({
        externalRef: 'EXT-1',
        groups: ['2'],
        phones: { primary: '+49 30 1', mobile: '+49 170 2' },
        addresses: [
          address({ isDefaultBilling: true }),
          address({ firstName: 'Hans', lastName: 'Schmidt', line1: 'Lindenallee 12', isDefaultShipping: true }),
        ],
      }),
    );
    expect(customer).toEqual({
      code: 'EXT-1',
      canLogin: true,
      password: { value: 'secret-12' },
      group: 2,
      billingAddress: {
        firstName: 'Erika',
        lastName: 'Muster',
        companyName: '',
        street1: 'Hauptstraße 5',
        street2: '',
        city: 'Berlin',
        postalCode: '10115',
        stateProv: '',
        country: 'DE',
        phoneNumber: '+49 30 1',
        mobileNumber: '+49 170 2',
        faxNumber: '',
        email: 'erika@example.de',
      },
      shippingAddress: {
        name: 'Hans Schmidt',
        street1: 'Lindenallee 12',
        street2: '',
        city: 'Berlin',
        postalCode: '10115',
        stateProv: '',
        country: 'DE',
      },
    });
  });

  it('fills the slot the defaults ask for: a shipping-only address goes to shipping even when listed first', () => {
    const { customer } = toOpen2bCustomerCreate(
      register({ addresses: [address({ line1: 'Ship 1', isDefaultShipping: true }), address({ line1: 'Bill 1' })] }),
    );
    expect(customer.billingAddress!.street1).toBe('Bill 1');
    expect(customer.shippingAddress!.street1).toBe('Ship 1');
  });

  it('requires a billing address and says so, naming addresses', () => {
    for (const addresses of [[], undefined, [address({ isDefaultShipping: true })]]) {
      const e = error(() => toOpen2bCustomerCreate(register({ addresses })));
      expect(e.code).toBe('validation_failed');
      expect(e.errors).toEqual([{ path: 'addresses', message: expect.stringContaining('billing address') }]);
    }
  });

  it('answers a third address with a 409 saying Open2b holds one billing and one shipping address', () => {
    const e = error(() => toOpen2bCustomerCreate(register({ addresses: [address(), address(), address()] })));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('Open2b holds one billing and one shipping address');
  });

  it('checks every length against the one table and names field and limit, never truncating', () => {
    const cases: [Partial<CustomerCreateInput>, string, number][] = [
      [{ firstName: 'F'.repeat(26) }, 'firstName', 25],
      [{ lastName: 'L'.repeat(26), addresses: [address({ lastName: 'L'.repeat(26) })] }, 'lastName', 25],
      [{ externalRef: 'r'.repeat(33) }, 'externalRef', 32],
      [{ email: `${'e'.repeat(116)}@x.de` }, 'email', 120],
      [{ phones: { primary: '+49 30 123456789' } }, 'phones.primary', 15],
      [{ addresses: [address({ stateCode: 'BER1' })] }, 'addresses.0.stateCode', 3],
      [{ addresses: [address({ city: 'C'.repeat(26) })] }, 'addresses.0.city', 25],
      [{ addresses: [address({ line1: 'S'.repeat(61) })] }, 'addresses.0.line1', 60],
      [{ addresses: [address({ postalCode: '1'.repeat(21) })] }, 'addresses.0.postalCode', 20],
      [
        {
          addresses: [
            address(),
            address({ firstName: 'F'.repeat(50), lastName: 'L'.repeat(50), isDefaultShipping: true }),
          ],
        },
        'addresses.1.lastName',
        100,
      ],
      [{ password: 'x'.repeat(17) }, 'password', 16],
    ];
    for (const [input, path, limit] of cases) {
      const e = error(() => toOpen2bCustomerCreate(register(input)));
      expect(e.code).toBe('validation_failed');
      expect(e.errors, path).toContainEqual({ path, message: expect.stringContaining(`at most ${limit} characters`) });
    }
    expect(OPEN2B_LIMITS['billingAddress.firstName'].max).toBe(25);
    // Characters, not UTF-16 units: 25 emoji fit.
    expect(() =>
      toOpen2bCustomerCreate(
        register({ firstName: '😀'.repeat(25), addresses: [address({ firstName: '😀'.repeat(25) })] }),
      ),
    ).not.toThrow();
  });

  it('refuses values Open2b has no place for, naming each field', () => {
    const e = error(() =>
      toOpen2bCustomerCreate(
        register({
          birthDate: '1990-01-01',
          gender: 'female',
          custom: { a: 1 },
          phones: { business: '1' },
          addresses: [address({ title: 'Dr', houseNumber: '5' })],
        }),
      ),
    );
    expect(e.errors!.map((x) => x.path).sort()).toEqual([
      'addresses.0.houseNumber',
      'addresses.0.title',
      'birthDate',
      'custom',
      'gender',
      'phones.business',
    ]);
  });

  it('stores one name per customer: a billing address with another name than the customer is a 400', () => {
    const e = error(() =>
      toOpen2bCustomerCreate(register({ lastName: 'Muster1', addresses: [address({ lastName: 'Musterfrau' })] })),
    );
    expect(e.errors).toEqual([{ path: 'addresses.0.lastName', message: expect.stringContaining('billing address') }]);
    // Names given only once are fine either way.
    expect(
      toOpen2bCustomerCreate(register({ firstName: undefined, lastName: undefined })).customer.billingAddress,
    ).toMatchObject({ firstName: 'Erika', lastName: 'Muster' });
  });

  it('needs a password for a customer who can log in, and a single numeric group', () => {
    expect(error(() => toOpen2bCustomerCreate(register({ password: undefined }))).errors).toEqual([
      { path: 'password', message: expect.stringContaining('password') },
    ]);
    expect(toOpen2bCustomerCreate(register({ password: undefined, active: false })).customer.canLogin).toBe(false);
    expect(error(() => toOpen2bCustomerCreate(register({ groups: ['1', '2'] }))).errors![0]!.path).toBe('groups');
    expect(error(() => toOpen2bCustomerCreate(register({ groups: ['vip'] }))).errors![0]!.path).toBe('groups.0');
    // Open2b would keep group 3: "03" would not read back as sent.
    for (const written of ['03', '+3', '3.0', ' 3'])
      expect(error(() => toOpen2bCustomerCreate(register({ groups: [written] }))).errors![0]!.path).toBe('groups.0');
    expect(toOpen2bCustomerCreate(register({ groups: ['3'] })).customer.group).toBe(3);
  });
});

describe('open2b update payloads', () => {
  it('sends the whole billing address, merged, when a customer field in it changes', () => {
    const body = toOpen2bCustomerPatch(
      stored,
      CustomerPatchSchema.parse({ lastName: 'Neumann', phones: { mobile: '+49 1' } }),
    );
    expect(body).toEqual({ billingAddress: { ...stored.billingAddress, lastName: 'Neumann', mobileNumber: '+49 1' } });
    expect(toOpen2bCustomerPatch(stored, CustomerPatchSchema.parse({ externalRef: null, active: false }))).toEqual({
      code: '',
      canLogin: false,
    });
  });

  it('cannot remove a required name, nor let a customer without password log in', () => {
    expect(
      error(() => toOpen2bCustomerPatch(stored, CustomerPatchSchema.parse({ firstName: null }))).errors![0]!.path,
    ).toBe('firstName');
    expect(
      error(() =>
        toOpen2bCustomerPatch(
          { ...stored, hasPassword: false, canLogin: false },
          CustomerPatchSchema.parse({ active: true }),
        ),
      ).errors![0]!.path,
    ).toBe('active');
  });

  it('adds a second address only into the free shipping slot; a billing one or a third is a 409', () => {
    expect(
      toOpen2bAddressCreate(stored, AddressCreateSchema.parse(address({ firstName: 'Hans', lastName: 'Schmidt' }))),
    ).toEqual({
      slot: 'shipping',
      customer: {
        shippingAddress: {
          name: 'Hans Schmidt',
          street1: 'Hauptstraße 5',
          street2: '',
          city: 'Berlin',
          postalCode: '10115',
          stateProv: '',
          country: 'DE',
        },
      },
    });
    expect(
      error(() => toOpen2bAddressCreate(stored, AddressCreateSchema.parse(address({ isDefaultBilling: true })))).code,
    ).toBe('conflict');
    const full = {
      ...stored,
      shippingAddress: {
        name: 'X Y',
        street1: 'a',
        street2: '',
        city: 'b',
        postalCode: 'c',
        stateProv: '',
        country: 'DE',
      },
    };
    const third = error(() => toOpen2bAddressCreate(full, AddressCreateSchema.parse(address())));
    expect([third.code, third.message]).toEqual([
      'conflict',
      expect.stringContaining('one billing and one shipping address'),
    ]);
    expect(
      error(() => toOpen2bAddressCreate(stored, AddressCreateSchema.parse(address({ id: 'home' })))).errors![0]!.path,
    ).toBe('id');
    expect(
      error(() => toOpen2bAddressCreate(stored, AddressCreateSchema.parse(address({ companyName: 'ACME' }))))
        .errors![0]!.path,
    ).toBe('companyName');
  });

  it('patches the billing slot in place and keeps defaults tied to the slots', () => {
    expect(toOpen2bAddressPatch(stored, 'billing', { city: 'Bremen', stateCode: null })).toEqual({
      billingAddress: { ...stored.billingAddress, city: 'Bremen', stateProv: '' },
    });
    expect(error(() => toOpen2bAddressPatch(stored, 'billing', { isDefaultBilling: false })).errors![0]!.path).toBe(
      'isDefaultBilling',
    );
    expect(error(() => toOpen2bAddressPatch(stored, 'billing', { stateCode: 'ABCD' })).errors).toEqual([
      { path: 'stateCode', message: expect.stringContaining('at most 3') },
    ]);
  });

  it('rebuilds the shipping name from firstName and lastName', () => {
    const withShipping = {
      ...stored,
      shippingAddress: {
        name: 'Hans Schmidt',
        street1: 'a',
        street2: '',
        city: 'b',
        postalCode: 'c',
        stateProv: '',
        country: 'DE',
      },
    };
    expect(toOpen2bAddressPatch(withShipping, 'shipping', { lastName: 'Meier' }).shippingAddress!.name).toBe(
      'Hans Meier',
    );
    expect(toOpen2bAddressPatch(withShipping, 'shipping', { fullName: 'Firma Meier' }).shippingAddress!.name).toBe(
      'Firma Meier',
    );
    // A blank part would read back as another name ("Hans " splits into lastName "Hans"): refused.
    expect(error(() => toOpen2bAddressPatch(withShipping, 'shipping', { lastName: ' ' })).errors).toEqual([
      { path: 'lastName', message: expect.stringContaining('must not be blank') },
    ]);
    expect(error(() => toOpen2bAddressPatch(withShipping, 'shipping', { firstName: '  ' })).errors).toEqual([
      { path: 'firstName', message: expect.stringContaining('must not be blank') },
    ]);
    // The canonical API refuses blank names before any adapter; the adapter checks for its other callers too.
    const input = register({ addresses: [address(), address({ isDefaultShipping: true })] });
    input.addresses![1]!.lastName = ' ';
    const blankShipping = error(() => toOpen2bCustomerCreate(input));
    expect(blankShipping.errors).toContainEqual({ path: 'addresses.1.lastName', message: expect.any(String) });
    expect(toOpen2bAddressPatch(withShipping, 'shipping', { city: 'Kiel' }).shippingAddress).toMatchObject({
      name: 'Hans Schmidt',
      city: 'Kiel',
    });
  });
});
