import type { ScayleAddress, ScayleCustomer } from './store.js';

/** What a seed entry needs; the rest (ids, timestamps, defaults) is filled in by the backdoor. */
export type ScayleCustomerSeed = Partial<Omit<ScayleCustomer, 'addresses'>> & {
  email: string;
  addresses?: (Partial<ScayleAddress> & Pick<ScayleAddress, 'street' | 'zipCode' | 'city' | 'countryCode'>)[];
  /** Plain password to store (as the emulator's hash), for login-like checks in tests. */
  password?: string;
};

/** A handful of demo customers in SCAYLE's shapes: German, Austrian, British and US addresses. */
export const demoCustomers: ScayleCustomerSeed[] = [
  {
    email: 'max.mustermann@example.de',
    referenceKey: 'crm-2001',
    publicKey: 'customer-2001',
    firstName: 'Max',
    lastName: 'Mustermann',
    gender: 'm',
    birthDate: '1980-01-01',
    phone: '+49 30 1234567',
    groups: ['employee'],
    legacyCustomData: { score: { generatedOn: '2018-05-20T19:45:15+00:00', result: 'green' } },
    createdAt: '2018-01-22T11:30:15+00:00',
    updatedAt: '2018-01-22T11:30:15+00:00',
    password: 'demo-password-1',
    addresses: [
      {
        referenceKey: 'home',
        street: 'Domstraße',
        houseNumber: '1',
        additional: 'erster Stock',
        zipCode: '20095',
        city: 'Hamburg',
        countryCode: 'DEU',
        state: 'Hamburg',
        isDefault: { billing: true, shipping: true },
        recipient: { firstName: 'Max', lastName: 'Mustermann', gender: 'm', title: null },
      },
      {
        street: 'Domstraße',
        houseNumber: '1',
        zipCode: '20095',
        city: 'Hamburg',
        countryCode: 'DEU',
        isDefault: { billing: false, shipping: false },
        recipient: { firstName: 'Max', lastName: 'Mustermann' },
        collectionPoint: {
          customerKey: 'bced-234-234',
          description: 'Kiosk',
          key: '12345-a',
          type: 'hermes_parcelshop',
        },
      },
    ],
  },
  {
    email: 'erika.musterfrau@example.at',
    referenceKey: 'crm-2002',
    firstName: 'Erika',
    lastName: 'Musterfrau',
    gender: 'f',
    title: 'Dr.',
    createdAt: '2019-03-04T08:00:00+00:00',
    updatedAt: '2021-06-01T10:15:00+00:00',
    addresses: [
      {
        street: 'Mariahilfer Straße',
        houseNumber: '120',
        zipCode: '1070',
        city: 'Wien',
        countryCode: 'AUT',
        isDefault: { billing: true, shipping: true },
        recipient: { firstName: 'Erika', lastName: 'Musterfrau', gender: 'f', title: 'Dr.' },
      },
    ],
  },
  {
    email: 'ada.lovelace@example.co.uk',
    firstName: 'Ada',
    lastName: 'Lovelace',
    gender: 'f',
    createdAt: '2020-11-10T12:00:00+00:00',
    updatedAt: '2020-11-10T12:00:00+00:00',
    addresses: [
      {
        street: 'St James Square',
        houseNumber: '12',
        zipCode: 'SW1Y 4JH',
        city: 'London',
        countryCode: 'GBR',
        isDefault: { billing: true, shipping: true },
        recipient: { firstName: 'Ada', lastName: 'Lovelace', gender: 'f' },
      },
    ],
  },
  {
    email: 'guest.shopper@example.com',
    firstName: 'Jordan',
    lastName: 'Doe',
    gender: 'd',
    status: { isActive: true, isGuestCustomer: true },
    createdAt: '2023-02-14T09:30:00+00:00',
    updatedAt: '2023-02-14T09:30:00+00:00',
    addresses: [
      {
        street: 'Main Street',
        houseNumber: '350',
        additional: 'Apt 4B',
        zipCode: '10001',
        city: 'New York',
        countryCode: 'USA',
        state: 'NY',
        phone: '+1 212 555 0100',
        isDefault: { billing: true, shipping: true },
        recipient: { firstName: 'Jordan', lastName: 'Doe', gender: 'n' },
      },
    ],
  },
];
