import type { OcapiAddress, OcapiCustomer } from './store.js';

/** A customer to seed, in OCAPI's own shape (ids and numbers are filled in when absent). */
export interface SfccCustomerSeed {
  customer: Partial<OcapiCustomer> & { login: string; email: string; last_name: string };
  password?: string;
  addresses?: (Partial<OcapiAddress> & { address_id: string })[];
}

const at = (iso: string) => ({ creation_date: iso, last_modified: iso });

/** Demo data for the embedded default: a handful of SiteGenesis-style shoppers. */
export const demoCustomers: SfccCustomerSeed[] = [
  {
    customer: {
      login: 'john.smith@example.com',
      email: 'john.smith@example.com',
      first_name: 'John',
      last_name: 'Smith',
      gender: 1,
      birthday: '1980-04-12',
      phone_home: '123450003',
      phone_mobile: '345670003',
      phone_business: '234560003',
      c_externalRef: 'CRM-1001',
      c_origin: 'webshop',
      ...at('2015-08-20T11:30:36.000Z'),
    },
    password: 'Demo!Passw0rd',
    addresses: [
      {
        address_id: 'me',
        first_name: 'John',
        last_name: 'Smith',
        full_name: 'John M. Smith',
        address1: '10 Presidential Way',
        city: 'Woburn',
        postal_code: '01801',
        state_code: 'MA',
        country_code: 'US',
        salutation: 'Mr.',
        preferred: true,
      },
      {
        address_id: 'office',
        first_name: 'John',
        last_name: 'Smith',
        company_name: 'Salesforce',
        address1: '5 Wall St',
        city: 'Burlington',
        postal_code: '01805',
        state_code: 'MA',
        country_code: 'US',
        preferred: false,
      },
    ],
  },
  {
    customer: {
      login: 'erika.mustermann@example.de',
      email: 'erika.mustermann@example.de',
      first_name: 'Erika',
      last_name: 'Mustermann',
      gender: 2,
      salutation: 'Frau',
      c_externalRef: 'CRM-1002',
      ...at('2019-03-02T08:15:00.000Z'),
    },
    password: 'Demo!Passw0rd',
    addresses: [
      {
        address_id: 'zuhause',
        first_name: 'Erika',
        last_name: 'Mustermann',
        address1: 'Heidestraße 17',
        city: 'Köln',
        postal_code: '51147',
        country_code: 'DE',
        preferred: true,
      },
    ],
  },
  {
    customer: {
      login: 'marie.curie@example.fr',
      email: 'marie.curie@example.fr',
      first_name: 'Marie',
      last_name: 'Curie',
      gender: 2,
      title: 'Dr.',
      company_name: 'Institut du Radium',
      job_title: 'Director',
      ...at('2021-11-07T17:45:12.000Z'),
    },
    addresses: [
      {
        address_id: 'labo',
        first_name: 'Marie',
        last_name: 'Curie',
        address1: '1 Rue Pierre et Marie Curie',
        city: 'Paris',
        postal_code: '75005',
        country_code: 'FR',
        preferred: false,
      },
    ],
  },
  {
    customer: {
      login: 'mario.rossi',
      email: 'mario.rossi@example.it',
      first_name: 'Mario',
      last_name: 'Rossi',
      enabled: false,
      fax: '+39 06 1234567',
      c_externalRef: 'CRM-1004',
      ...at('2023-01-15T10:00:00.000Z'),
    },
    password: 'Demo!Passw0rd',
  },
  {
    customer: {
      login: 'akiko.tanaka@example.jp',
      email: 'akiko.tanaka@example.jp',
      first_name: 'Akiko',
      last_name: 'Tanaka',
      phone_mobile: '+81 90 1234 5678',
      ...at('2024-06-30T23:59:59.000Z'),
    },
    password: 'Demo!Passw0rd',
    addresses: [
      {
        address_id: 'home',
        first_name: 'Akiko',
        last_name: 'Tanaka',
        address1: '1-1 Chiyoda',
        city: 'Tokyo',
        postal_code: '100-0001',
        country_code: 'JP',
        preferred: true,
      },
      {
        address_id: 'parents',
        first_name: 'Akiko',
        last_name: 'Tanaka',
        address1: '2-3 Namba',
        city: 'Osaka',
        postal_code: '542-0076',
        country_code: 'JP',
        preferred: false,
      },
    ],
  },
];
