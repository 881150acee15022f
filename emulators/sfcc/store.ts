import { ocapiNow } from './wire.js';
import type { CustomerRecord as SharedCustomerRecord } from '../shared/customer-records.js';

/** A customer as OCAPI returns it (`customer` document), custom attributes as `c_*`. */
export interface OcapiCustomer {
  customer_id: string;
  customer_no: string;
  login: string;
  email: string;
  last_name: string;
  auth_type: 'registered';
  enabled: boolean;
  creation_date: string;
  last_modified: string;
  [field: string]: unknown;
}

/** A `customer_address` document; `address_id` is the address's name. */
export interface OcapiAddress {
  address_id: string;
  preferred: boolean;
  creation_date: string;
  last_modified: string;
  [field: string]: unknown;
}

export type CustomerRecord = SharedCustomerRecord<OcapiCustomer, OcapiAddress>;

// Field rules from the 20.4 spec (`customer` and `customer_address` definitions).
export const CUSTOMER_WRITABLE: Record<string, { type: 'string' | 'boolean' | 'gender' | 'date'; max?: number }> = {
  birthday: { type: 'date' },
  company_name: { type: 'string', max: 256 },
  customer_no: { type: 'string', max: 100 },
  email: { type: 'string', max: 256 },
  enabled: { type: 'boolean' },
  fax: { type: 'string', max: 32 },
  first_name: { type: 'string', max: 256 },
  gender: { type: 'gender' },
  job_title: { type: 'string', max: 256 },
  last_name: { type: 'string', max: 256 },
  login: { type: 'string', max: 256 },
  note: { type: 'string' },
  phone_business: { type: 'string', max: 32 },
  phone_home: { type: 'string', max: 32 },
  phone_mobile: { type: 'string', max: 32 },
  salutation: { type: 'string', max: 256 },
  second_name: { type: 'string', max: 256 },
  suffix: { type: 'string', max: 256 },
  title: { type: 'string', max: 256 },
};
export const CUSTOMER_READ_ONLY = new Set([
  'customer_id',
  'auth_type',
  'creation_date',
  'last_modified',
  'last_login_time',
  'last_visit_time',
  'preferred_locale',
  'addresses',
  'payment_instruments',
  'previous_login_time',
  'previous_visit_time',
]);

export const ADDRESS_WRITABLE: Record<string, { type: 'string' | 'boolean'; max?: number }> = {
  address1: { type: 'string', max: 256 },
  address2: { type: 'string', max: 256 },
  address_id: { type: 'string', max: 256 },
  city: { type: 'string', max: 256 },
  company_name: { type: 'string', max: 256 },
  country_code: { type: 'string', max: 2 },
  first_name: { type: 'string', max: 256 },
  full_name: { type: 'string', max: 256 },
  job_title: { type: 'string', max: 256 },
  last_name: { type: 'string', max: 256 },
  phone: { type: 'string', max: 32 },
  post_box: { type: 'string', max: 256 },
  postal_code: { type: 'string', max: 256 },
  preferred: { type: 'boolean' },
  salutation: { type: 'string', max: 256 },
  second_name: { type: 'string', max: 256 },
  state_code: { type: 'string', max: 256 },
  suffix: { type: 'string', max: 256 },
  suite: { type: 'string', max: 32 },
  title: { type: 'string', max: 256 },
};
export const ADDRESS_READ_ONLY = new Set(['creation_date', 'last_modified']);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SfccStore {
  readonly records = new Map<string, CustomerRecord>();
  private lastNo = 0;

  /** OCAPI customer ids look like `abfTWMDZOgi3JPzkHjv9IhmziI` (26 of at most 28 characters). */
  newId(): string {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    return `ab${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
  }

  /** Customer numbers are sequential, zero-padded (`00001140` in the seed). */
  newCustomerNo(): string {
    this.lastNo += 1;
    return String(this.lastNo).padStart(8, '0');
  }

  noteCustomerNo(no: string): void {
    const n = Number(no);
    if (Number.isInteger(n) && n > this.lastNo) this.lastNo = n;
  }

  byLogin(login: string): CustomerRecord | undefined {
    const wanted = login.toLowerCase();
    for (const record of this.records.values()) if (record.customer.login.toLowerCase() === wanted) return record;
    return undefined;
  }

  insert(
    fields: Partial<OcapiCustomer> & { login: string; email: string; last_name: string },
    password?: string,
  ): CustomerRecord {
    const now = ocapiNow();
    const customer: OcapiCustomer = {
      auth_type: 'registered',
      enabled: true,
      creation_date: now,
      last_modified: now,
      ...fields,
      customer_id: fields.customer_id ?? this.newId(),
      customer_no: fields.customer_no ?? this.newCustomerNo(),
    };
    this.noteCustomerNo(customer.customer_no);
    const record: CustomerRecord = { customer, addresses: new Map(), password };
    this.records.set(customer.customer_id, record);
    return record;
  }

  clear(): void {
    this.records.clear();
    this.lastNo = 0;
  }
}

/** Preferred address first, then by id (what the address list and `expand=addresses` answer). */
export function sortedAddresses(record: CustomerRecord): OcapiAddress[] {
  return [...record.addresses.values()].sort(
    (a, b) =>
      Number(b.preferred) - Number(a.preferred) ||
      (a.address_id < b.address_id ? -1 : a.address_id > b.address_id ? 1 : 0),
  );
}
