import { describe, expect, it } from 'vitest';
import {
  fromScapiAddress,
  fromScapiCustomer,
  toScapiAddressCreate,
  toScapiAddressPatch,
  toScapiCustomerCreate,
  toScapiCustomerPatch,
} from '../../../adapters/scapi/map.js';
import type { ScapiCustomer } from '../../../adapters/scapi/upstream.js';
import { AddressCreateSchema, CustomerCreateSchema } from '../../../schemas/index.js';
import { failure } from './helpers.js';

const ATTR = 'c_externalRef';
const stored: ScapiCustomer = {
  customerNo: '00005001',
  customerId: 'adg2p1zObo8JDt3iXZCNIZBcai',
  credentials: { login: 'wleung', enabled: true, locked: false },
  email: 'w.leung@example.com',
  firstName: 'Wei',
  lastName: 'Leung',
  gender: 2,
  birthday: '1999-12-31',
  phoneHome: '415-555-1211',
  fax: '',
  creationDate: '2019-09-23T19:46:07.412Z',
  lastModified: '2019-09-23T19:46:07.417Z',
  c_externalRef: 'CRM-9',
  c_origin: 'shop',
  c_tags: ['a'],
  primaryAddress: { addressId: 'home', lastName: 'Leung', countryCode: 'US' },
};
const customer = (o: object = {}) => CustomerCreateSchema.parse({ email: 'a@example.com', lastName: 'Roe', ...o });
const address = (o: object = {}) =>
  AddressCreateSchema.parse({
    lastName: 'Roe',
    line1: 'Main St 1',
    city: 'Boston',
    postalCode: '02110',
    countryCode: 'US',
    ...o,
  });
const mapping = async (run: () => unknown) => failure((async () => run())());

describe('scapi mapping', () => {
  it('reads an Admin Customers customer: customerNo is the id, c_* are custom, the primary address is both defaults', () => {
    const addresses = [
      {
        addressId: 'home',
        lastName: 'Leung',
        countryCode: 'us',
        address1: '1 Main',
        city: 'SF',
        postalCode: '94105',
        etag: 'x',
      },
      { addressId: 'work', lastName: 'Leung', countryCode: 'US' },
    ];
    const read = fromScapiCustomer(stored, ATTR, addresses);
    expect(read).toMatchObject({
      id: '00005001',
      customerNo: '00005001',
      login: 'wleung',
      externalRef: 'CRM-9',
      gender: 'female',
      birthDate: '1999-12-31',
      phones: { primary: '415-555-1211' },
      status: { active: true, guest: false },
      custom: { origin: 'shop', tags: ['a'] },
      createdAt: '2019-09-23T19:46:07.412Z',
    });
    expect(read.phones).not.toHaveProperty('fax');
    expect(read.addresses).toMatchObject([
      { id: 'home', countryCode: 'US', line1: '1 Main', isDefaultBilling: true, isDefaultShipping: true },
      { id: 'work', isDefaultBilling: false },
    ]);
    expect(
      fromScapiCustomer({ ...stored, credentials: { login: 'x', enabled: true, locked: true } }, ATTR).status.active,
    ).toBe(false);
    expect(
      fromScapiAddress({ addressId: 'a', lastName: 'L', countryCode: 'DE', etag: 'e' }, undefined),
    ).not.toHaveProperty('etag');
  });

  it('counts String256 lengths in UTF-8 bytes: 128 "é" fit a name, 129 do not; 256 ASCII fit, 86 kanji do not', async () => {
    expect(
      toScapiCustomerCreate(customer({ lastName: 'é'.repeat(128), firstName: 'e'.repeat(256) }), ATTR),
    ).toMatchObject({ lastName: 'é'.repeat(128) });
    const latin = await mapping(() => toScapiCustomerCreate(customer({ lastName: 'é'.repeat(129) }), ATTR));
    expect(latin.code).toBe('validation_failed');
    expect(latin.errors).toEqual([{ path: 'lastName', message: expect.stringContaining('256 bytes') }]);
    const kanji = await mapping(() =>
      toScapiCustomerCreate(
        customer({
          firstName: '山'.repeat(86),
          addresses: [address({ city: 'ü'.repeat(130), phone: '☎'.repeat(11) })],
        }),
        ATTR,
      ),
    );
    expect(kanji.errors!.map((e) => e.path)).toEqual(['firstName', 'addresses.0.city', 'addresses.0.phone']);
  });

  it('refuses what SCAPI cannot hold, naming every field at once', async () => {
    const refused = await mapping(() =>
      toScapiCustomerCreate(
        customer({
          lastName: undefined,
          gender: 'diverse',
          groups: ['vip'],
          // An empty string would read back absent (B2C Commerce clears the attribute).
          custom: { 'bad-key': 1, nested: { a: 1 }, blank: '' },
          addresses: [address({ street: 'Main St', collectionPoint: { key: 'k', type: 't' } })],
        }),
        ATTR,
      ),
    );
    expect(refused.errors!.map((e) => e.path).sort()).toEqual([
      'addresses.0.collectionPoint',
      'addresses.0.street',
      'custom.bad-key',
      'custom.blank',
      'custom.nested',
      'gender',
      'groups',
      'lastName',
    ]);
  });

  it('creates with the login (default: the email), enabled flag, c_* attributes and the external ref attribute', () => {
    expect(
      toScapiCustomerCreate(
        customer({
          active: false,
          externalRef: 'E-1',
          custom: { origin: 'x' },
          gender: 'male',
          phones: { mobile: '1' },
        }),
        ATTR,
      ),
    ).toEqual({
      email: 'a@example.com',
      lastName: 'Roe',
      credentials: { login: 'a@example.com', enabled: false },
      gender: 1,
      phoneMobile: '1',
      phoneHome: '',
      phoneBusiness: '',
      fax: '',
      c_origin: 'x',
      c_externalRef: 'E-1',
    });
  });

  it('patches with the required customerNo and lastName, "" for cleared strings, null for dropped custom attributes', async () => {
    expect(
      toScapiCustomerPatch({ firstName: null, custom: { origin: 'y' }, login: 'new', externalRef: null }, stored, ATTR),
    ).toEqual({
      customerNo: '00005001',
      lastName: 'Leung',
      firstName: '',
      credentials: { login: 'new', enabled: true },
      c_externalRef: null,
      c_origin: 'y',
      c_tags: null,
    });
    const cleared = await mapping(() =>
      toScapiCustomerPatch({ lastName: null, birthDate: null, gender: null }, stored, ATTR),
    );
    expect(cleared.errors!.map((e) => e.path)).toEqual(['lastName', 'gender', 'birthDate']);
  });

  it('patches addresses with their required properties; the primary address cannot stop being the default', async () => {
    const current = { addressId: 'home', lastName: 'Leung', countryCode: 'US', city: 'SF' };
    expect(toScapiAddressPatch({ city: 'Oakland', line2: null }, current, true)).toEqual({
      doc: { addressId: 'home', lastName: 'Leung', countryCode: 'US', city: 'Oakland', address2: '' },
    });
    expect(toScapiAddressPatch({ isDefaultShipping: true }, current, false)).toMatchObject({ primary: true });
    const refused = await mapping(() => toScapiAddressPatch({ isDefaultBilling: false }, current, true));
    expect(refused.errors).toEqual([{ path: 'isDefaultBilling', message: expect.stringContaining('primary') }]);
    expect(toScapiAddressCreate(address({ isDefaultBilling: true }), () => 'made-up')).toMatchObject({
      doc: { addressId: 'made-up', address1: 'Main St 1' },
      primary: true,
    });
  });
});
