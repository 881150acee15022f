import type { NewCredentials, ScapiAddress, ScapiCustomer } from './store.js';

/** A customer to seed, in the Admin API's own shape (customerId, timestamps and ETags filled in). */
export interface ScapiCustomerSeed {
  customer: Omit<Partial<ScapiCustomer>, 'credentials'> & {
    customerNo: string;
    lastName: string;
    credentials: NewCredentials;
  };
  password?: string;
  addresses?: (Partial<ScapiAddress> & { addressId: string; lastName: string; countryCode: string })[];
  /** The addressId of the primary address. */
  primary?: string;
}

const at = (iso: string) => ({ creationDate: iso, lastModified: iso });

/** Demo data for the embedded default: a few RefArch-style shoppers in the US, Germany and Japan. */
export const demoCustomers: ScapiCustomerSeed[] = [
  {
    customer: {
      customerNo: '00001001',
      credentials: { login: 'wei.leung@example.com' },
      email: 'wei.leung@example.com',
      firstName: 'Wei',
      lastName: 'Leung',
      gender: 1,
      birthday: '1985-06-15',
      phoneHome: '415-555-1211',
      phoneMobile: '415-555-1212',
      companyName: 'Ursa Major Solar',
      c_externalRef: 'CRM-2001',
      c_origin: 'webshop',
      ...at('2023-07-21T07:29:39.505Z'),
    },
    password: 'Demo!Passw0rd',
    addresses: [
      {
        addressId: 'home',
        firstName: 'Wei',
        lastName: 'Leung',
        address1: '123 Trailblazer Ave.',
        city: 'San Francisco',
        postalCode: '94105',
        stateCode: 'CA',
        countryCode: 'US',
        phone: '415-555-1212',
        ...at('2023-07-21T07:30:00.000Z'),
      },
      {
        addressId: 'office',
        lastName: 'Leung',
        companyName: 'Ursa Major Solar',
        address1: '415 Mission St',
        city: 'San Francisco',
        postalCode: '94105',
        stateCode: 'CA',
        countryCode: 'US',
        ...at('2023-07-21T07:31:00.000Z'),
      },
    ],
    primary: 'home',
  },
  {
    customer: {
      customerNo: '00001002',
      credentials: { login: 'klara.fischer@example.de' },
      email: 'klara.fischer@example.de',
      firstName: 'Klara',
      lastName: 'Fischer',
      gender: 2,
      salutation: 'Frau',
      c_externalRef: 'CRM-2002',
      ...at('2024-03-02T08:15:00.000Z'),
    },
    password: 'Demo!Passw0rd',
    addresses: [
      {
        addressId: 'zuhause',
        firstName: 'Klara',
        lastName: 'Fischer',
        address1: 'Lindenstraße 3',
        city: 'Leipzig',
        postalCode: '04109',
        countryCode: 'DE',
        ...at('2024-03-02T08:16:00.000Z'),
      },
    ],
    primary: 'zuhause',
  },
  {
    customer: {
      customerNo: '00001003',
      credentials: { login: 'hanako.yamada@example.jp' },
      email: 'hanako.yamada@example.jp',
      firstName: '花子',
      lastName: '山田',
      phoneMobile: '090-1234-5678',
      ...at('2025-01-10T02:00:00.000Z'),
    },
    addresses: [
      {
        addressId: 'jitaku',
        lastName: '山田',
        address1: '千代田1-1',
        city: '千代田区',
        postalCode: '100-0001',
        stateCode: '13',
        countryCode: 'JP',
        ...at('2025-01-10T02:01:00.000Z'),
      },
    ],
    primary: 'jitaku',
  },
  {
    customer: {
      customerNo: '00001004',
      credentials: { login: 'sam.disabled@example.com', enabled: false },
      email: 'sam.disabled@example.com',
      lastName: 'Taylor',
      ...at('2025-05-05T12:00:00.000Z'),
    },
  },
];
