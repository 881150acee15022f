import { scapiNow } from './wire.js';
import type { CustomerRecord as SharedCustomerRecord } from '../shared/customer-records.js';

/** An Admin Customers `Customer` as stored (camelCase, `c_*` custom attributes inline). */
export interface ScapiCustomer {
  customerId: string;
  customerNo: string;
  credentials: { login: string; enabled: boolean; locked: boolean; passwordQuestion?: string };
  lastName: string;
  email?: string;
  creationDate: string;
  lastModified: string;
  /** Stored as the id of one of the customer's addresses; answered as the whole address. */
  primaryAddressId?: string;
  [field: string]: unknown;
}

/** A `CustomerAddress` as stored; `etag` changes with every write. */
export interface ScapiAddress {
  addressId: string;
  lastName: string;
  countryCode: string;
  creationDate: string;
  lastModified: string;
  etag: string;
  [field: string]: unknown;
}

export type CustomerRecord = SharedCustomerRecord<ScapiCustomer, ScapiAddress>;

export type NewCredentials = { login: string; enabled?: boolean; locked?: boolean };

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** SCAPI customer ids look like `abkd9LhOWzAiAFubdEDChtkMHW` (26 letters and digits). */
export function newCustomerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

/** A fresh address ETag (the spec's example is a 64-hex-digit digest). */
export const newEtag = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

/** The customer list: customers by customer number, with their address books and passwords. */
export class ScapiStore {
  readonly records = new Map<string, CustomerRecord>();
  private sequence = 1;

  clear(): void {
    this.records.clear();
    this.sequence = 1;
  }

  /** The next free `customerNo` in SFCC's zero-padded style. */
  nextCustomerNo(): string {
    let no: string;
    do no = String(this.sequence++).padStart(8, '0');
    while (this.records.has(no));
    return no;
  }

  byLogin(login: string): CustomerRecord | undefined {
    const wanted = login.toLowerCase();
    for (const record of this.records.values())
      if (record.customer.credentials.login.toLowerCase() === wanted) return record;
    return undefined;
  }

  byCustomerId(customerId: string): CustomerRecord | undefined {
    for (const record of this.records.values()) if (record.customer.customerId === customerId) return record;
    return undefined;
  }

  insert(
    fields: Omit<Partial<ScapiCustomer>, 'credentials'> & {
      customerNo: string;
      lastName: string;
      credentials: NewCredentials;
    },
    password?: string,
  ): CustomerRecord {
    const now = scapiNow();
    const { credentials, ...rest } = fields;
    const customer: ScapiCustomer = {
      creationDate: now,
      lastModified: now,
      ...rest,
      customerId: fields.customerId ?? newCustomerId(),
      credentials: { enabled: true, locked: false, ...credentials },
    } as ScapiCustomer;
    const record: CustomerRecord = { customer, addresses: new Map(), password };
    this.records.set(customer.customerNo, record);
    return record;
  }

  /** Stores an address (new or changed): fresh ETag and timestamps. */
  putAddress(
    record: CustomerRecord,
    address: { addressId: string; lastName: string; countryCode: string; [field: string]: unknown },
  ): ScapiAddress {
    const now = scapiNow();
    const created = typeof address.creationDate === 'string' ? address.creationDate : now;
    const stored: ScapiAddress = { ...address, creationDate: created, lastModified: now, etag: newEtag() };
    record.addresses.set(stored.addressId, stored);
    record.customer.lastModified = now;
    return stored;
  }
}

/** A customer as the Admin API answers it: `primaryAddress` expanded, internal fields out. */
export function customerDocument(record: CustomerRecord): Record<string, unknown> {
  const { primaryAddressId, ...customer } = structuredClone(record.customer);
  const primary = primaryAddressId ? record.addresses.get(primaryAddressId) : undefined;
  return primary ? { ...customer, primaryAddress: structuredClone(primary) } : customer;
}

/** Addresses in a stable order (by creation, then id), as the paged list answers them. */
export const sortedAddresses = (record: CustomerRecord): ScapiAddress[] =>
  [...record.addresses.values()].sort(
    (a, b) => a.creationDate.localeCompare(b.creationDate) || a.addressId.localeCompare(b.addressId),
  );
