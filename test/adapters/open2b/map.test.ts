import { describe, expect, it } from 'vitest';
import { parseUpstream } from '../../../transport/upstream-client.js';
import { splitName, fromOpen2bCustomer } from '../../../adapters/open2b/map.js';
import { GetAnswer } from '../../../adapters/open2b/upstream.js';
import { CustomerSchema } from '../../../schemas/index.js';

/** A commerce.customers.get answer in the documented shape (hand-written values). */
const documented = {
  status: 'ok',
  customer: {
    id: 48213,
    code: 'GW-7781',
    canLogin: true,
    hasPassword: true,
    encryptedPassword: 'Q2x1ZG9TYWx0MTIzNDU2Nzg5MEFCQ0RFRkdISUpLTE1O',
    creationTime: '2023-11-02 09:15:00',
    loginTime: '2024-06-30 21:40:05',
    updateTime: '2024-07-01 08:00:00',
    group: 3,
    wishList: [12, 98],
    cart: 77120,
    invoiceRecipient: 'M5UXCR1',
    fullName: 'Officine Verdi',
    billingAddress: {
      firstName: 'Carla',
      lastName: 'Verdi',
      personalCode: 'VRDCRL80A41H501U',
      companyName: 'Officine Verdi',
      companyCode: 'IT01234567890',
      companyCode2: '',
      street1: 'Via Garibaldi 7',
      street2: 'Interno 4',
      city: 'Bologna',
      postalCode: '40121',
      stateProv: 'BO',
      country: 'IT',
      phoneNumber: '+39 051 998877',
      mobileNumber: '',
      faxNumber: '+39 051 998878',
      email: 'carla@officineverdi.it',
    },
    shippingAddress: {
      name: 'Magazzino Centrale Verdi',
      street1: 'Via Emilia 300',
      street2: '',
      city: 'Modena',
      postalCode: '41121',
      stateProv: 'MO',
      country: 'IT',
    },
  },
};

const read = (payload: unknown) => parseUpstream(GetAnswer, payload, 'open2b', 'test').customer!;

describe('open2b mapping: customer', () => {
  it('maps the documented get answer to a canonical customer', () => {
    const customer = fromOpen2bCustomer(read(documented), 'Europe/Rome', true);
    expect(CustomerSchema.parse(customer)).toEqual(customer);
    expect(customer).toEqual({
      id: '48213',
      externalRef: 'GW-7781',
      email: 'carla@officineverdi.it',
      firstName: 'Carla',
      lastName: 'Verdi',
      companyName: 'Officine Verdi',
      phones: { primary: '+39 051 998877', fax: '+39 051 998878' },
      status: { active: true, guest: false },
      groups: ['3'],
      hasPassword: true,
      createdAt: '2023-11-02T09:15:00+01:00',
      updatedAt: '2024-07-01T08:00:00+02:00',
      lastLoginAt: '2024-06-30T21:40:05+02:00',
      addresses: [
        {
          id: 'billing',
          firstName: 'Carla',
          lastName: 'Verdi',
          companyName: 'Officine Verdi',
          line1: 'Via Garibaldi 7',
          line2: 'Interno 4',
          city: 'Bologna',
          postalCode: '40121',
          stateCode: 'BO',
          countryCode: 'IT',
          phone: '+39 051 998877',
          isDefaultBilling: true,
          isDefaultShipping: false,
        },
        {
          id: 'shipping',
          firstName: 'Magazzino Centrale',
          lastName: 'Verdi',
          fullName: 'Magazzino Centrale Verdi',
          line1: 'Via Emilia 300',
          city: 'Modena',
          postalCode: '41121',
          stateCode: 'MO',
          countryCode: 'IT',
          isDefaultBilling: false,
          isDefaultShipping: true,
        },
      ],
    });
  });

  it('never carries encryptedPassword (or its value) into the canonical customer', () => {
    const text = JSON.stringify(fromOpen2bCustomer(read(documented), 'Europe/Rome', true));
    expect(text).not.toContain('encryptedPassword');
    expect(text).not.toContain(documented.customer.encryptedPassword);
    expect(read(documented)).not.toHaveProperty('encryptedPassword');
  });

  it('leaves out what Open2b keeps empty, and ships to the billing address when there is no shipping one', () => {
    const minimal = structuredClone(documented);
    Object.assign(minimal.customer, {
      code: '',
      loginTime: null,
      canLogin: false,
      hasPassword: false,
      shippingAddress: null,
    });
    Object.assign(minimal.customer.billingAddress, {
      companyName: '',
      phoneNumber: '',
      faxNumber: '',
      street2: '',
      stateProv: '',
    });
    const customer = fromOpen2bCustomer(read(minimal), 'Europe/Rome', true);
    for (const key of ['externalRef', 'companyName', 'phones', 'lastLoginAt']) expect(customer).not.toHaveProperty(key);
    // No password and no login: what a checkout without registration leaves, a guest.
    expect(customer.status).toEqual({ active: false, guest: true });
    expect(customer.addresses).toEqual([
      expect.objectContaining({ id: 'billing', isDefaultBilling: true, isDefaultShipping: true }),
    ]);
    expect(customer.addresses![0]).not.toHaveProperty('line2');
  });

  it('treats an answer outside the documented shape as a contract violation', () => {
    const broken = structuredClone(documented) as any;
    broken.customer.id = 'abc';
    expect(() => read(broken)).toThrow(expect.objectContaining({ code: 'upstream_contract_violation' }));
  });
});

describe('open2b mapping: shipping recipient name', () => {
  it('reads the last word as lastName and the rest as firstName', () => {
    expect(splitName('Hans Schmidt')).toEqual({ firstName: 'Hans', lastName: 'Schmidt' });
    expect(splitName('Mary Ann Smith')).toEqual({ firstName: 'Mary Ann', lastName: 'Smith' });
    expect(splitName('Cher')).toEqual({ lastName: 'Cher' });
  });
});
