import type { Open2bBillingAddress, Open2bShippingAddress } from './store.js';

/** What a test (or the demo data) seeds: Open2b's shape, a plain password instead of the encrypted one. */
export interface Open2bCustomerSeed {
  id?: number;
  code?: string;
  canLogin?: boolean;
  /** Plain text; stored encrypted. */
  password?: string;
  creationTime?: string;
  loginTime?: string | null;
  updateTime?: string;
  group?: number;
  labels?: number[];
  billingAddress: Partial<Open2bBillingAddress> & Pick<Open2bBillingAddress, 'firstName' | 'lastName' | 'email'>;
  shippingAddress?: (Partial<Open2bShippingAddress> & Pick<Open2bShippingAddress, 'name'>) | null;
}

/** A handful of demo customers, in Open2b's shapes (hand-written, not copied from the docs). */
export const demoCustomers: Open2bCustomerSeed[] = [
  {
    id: 101,
    code: 'DEMO-101',
    password: 'giulia-2024',
    creationTime: '2024-01-15 10:12:00',
    loginTime: '2024-06-02 18:40:11',
    updateTime: '2024-06-02 18:40:11',
    group: 1,
    billingAddress: {
      firstName: 'Giulia',
      lastName: 'Rossi',
      email: 'giulia.rossi@example.it',
      street1: 'Via Roma 12',
      city: 'Firenze',
      postalCode: '50123',
      stateProv: 'FI',
      country: 'IT',
      phoneNumber: '+39 055 123456',
    },
    shippingAddress: {
      name: 'Giulia Rossi',
      street1: 'Via Tornabuoni 3',
      city: 'Firenze',
      postalCode: '50123',
      stateProv: 'FI',
      country: 'IT',
    },
  },
  {
    id: 102,
    code: '',
    password: 'marco-pass',
    creationTime: '2024-03-30 23:05:00',
    updateTime: '2024-03-31 09:00:00',
    group: 2,
    billingAddress: {
      firstName: 'Marco',
      lastName: 'Bianchi',
      email: 'marco.bianchi@example.it',
      companyName: 'Bianchi Srl',
      street1: 'Corso Buenos Aires 8',
      city: 'Milano',
      postalCode: '20124',
      stateProv: 'MI',
      country: 'IT',
      mobileNumber: '+39 333 1234567',
    },
    shippingAddress: null,
  },
  {
    id: 103,
    code: 'DEMO-103',
    canLogin: false,
    creationTime: '2024-10-27 02:30:00',
    updateTime: '2024-10-27 02:30:00',
    group: 1,
    billingAddress: {
      firstName: 'Anna',
      lastName: 'Schmidt',
      email: 'anna.schmidt@example.de',
      street1: 'Hauptstraße 5',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    shippingAddress: null,
  },
  {
    id: 104,
    code: 'DEMO-104',
    password: 'holmes-221b',
    creationTime: '2025-02-01 08:00:00',
    updateTime: '2025-02-01 08:00:00',
    group: 3,
    billingAddress: {
      firstName: 'Sherlock',
      lastName: 'Holmes',
      email: 'sherlock@example.co.uk',
      street1: '221b Baker Street',
      city: 'London',
      postalCode: 'NW1 6XE',
      country: 'GB',
      faxNumber: '+44 20 72243688',
    },
    shippingAddress: {
      name: 'John Watson',
      street1: '221b Baker Street',
      city: 'London',
      postalCode: 'NW1 6XE',
      country: 'GB',
    },
  },
  {
    id: 105,
    code: 'DEMO-105',
    password: 'lucia-2025',
    creationTime: '2025-07-10 14:22:05',
    updateTime: '2025-07-11 09:15:30',
    group: 1,
    billingAddress: {
      firstName: 'Lucia',
      lastName: 'Ferrari',
      email: 'lucia.ferrari@example.it',
      street1: 'Via Po 21',
      street2: 'Scala B',
      city: 'Torino',
      postalCode: '10124',
      stateProv: 'TO',
      country: 'IT',
    },
    shippingAddress: null,
  },
];
