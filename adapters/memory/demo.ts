import type { CustomerCreate } from '../../schemas/index.js';

/** A few demo customers so a zero-config memory backend has something to show. */
export const demoCustomers: CustomerCreate[] = [
  {
    email: 'ada.lovelace@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    externalRef: 'crm-1001',
    active: true,
    gender: 'female',
    addresses: [
      {
        id: 'home',
        lastName: 'Lovelace',
        firstName: 'Ada',
        line1: '12 St James Square',
        city: 'London',
        postalCode: 'SW1Y 4JH',
        countryCode: 'GB',
        isDefaultBilling: true,
        isDefaultShipping: true,
      },
    ],
  },
  {
    email: 'max.mustermann@example.de',
    firstName: 'Max',
    lastName: 'Mustermann',
    externalRef: 'crm-1002',
    active: true,
    gender: 'male',
    addresses: [
      {
        id: 'home',
        lastName: 'Mustermann',
        firstName: 'Max',
        line1: 'Hauptstraße 5',
        city: 'Berlin',
        postalCode: '10115',
        countryCode: 'DE',
        isDefaultBilling: true,
        isDefaultShipping: true,
      },
    ],
  },
  { email: 'giulia.rossi@example.it', firstName: 'Giulia', lastName: 'Rossi', active: true, addresses: [] },
];
