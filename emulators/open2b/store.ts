import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** The billing address as Open2b stores and answers it (seed: commerce.customers.get). */
export interface Open2bBillingAddress {
  firstName: string;
  lastName: string;
  personalCode: string;
  companyName: string;
  companyCode: string;
  companyCode2: string;
  street1: string;
  street2: string;
  city: string;
  postalCode: string;
  stateProv: string;
  country: string;
  phoneNumber: string;
  mobileNumber: string;
  faxNumber: string;
  email: string;
}

export interface Open2bShippingAddress {
  name: string;
  street1: string;
  street2: string;
  city: string;
  postalCode: string;
  stateProv: string;
  country: string;
}

/** A customer exactly as the emulator keeps it: Open2b's own field names and value formats. */
export interface Open2bCustomer {
  id: number;
  code: string;
  canLogin: boolean;
  hasPassword: boolean;
  /** 45 characters (salt + digest) or, for imported passwords, `<cryptedBy>:<value>`; null without a password. */
  encryptedPassword: string | null;
  /** "YYYY-MM-DD HH:MM:SS", shop-local. */
  creationTime: string;
  loginTime: string | null;
  updateTime: string;
  group: number;
  wishList: number[];
  cart: number | null;
  invoiceRecipient: string;
  /** Company name, or first and last name (derived, read-only). */
  fullName: string;
  billingAddress: Open2bBillingAddress;
  shippingAddress: Open2bShippingAddress | null;
}

/** Every field `fields` may name, in the order the docs list them. */
export const CUSTOMER_FIELDS = [
  'id',
  'code',
  'canLogin',
  'hasPassword',
  'encryptedPassword',
  'creationTime',
  'loginTime',
  'updateTime',
  'group',
  'wishList',
  'cart',
  'invoiceRecipient',
  'fullName',
  'billingAddress',
  'shippingAddress',
] as const;

export const emptyBilling = (): Open2bBillingAddress => ({
  firstName: '',
  lastName: '',
  personalCode: '',
  companyName: '',
  companyCode: '',
  companyCode2: '',
  street1: '',
  street2: '',
  city: '',
  postalCode: '',
  stateProv: '',
  country: '',
  phoneNumber: '',
  mobileNumber: '',
  faxNumber: '',
  email: '',
});

export const fullNameOf = (b: Open2bBillingAddress) => b.companyName || `${b.firstName} ${b.lastName}`.trim();

/** Shop-local wall-clock time as Open2b writes it. */
export function shopTime(instant: Date, timezone: string): string {
  return format(new TZDate(instant.getTime(), timezone), 'yyyy-MM-dd HH:mm:ss');
}

/** Open2b's datetime format, checked strictly (calendar-valid too). */
export function isShopTime(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d &&
    h! < 24 &&
    mi! < 60 &&
    s! < 60
  );
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A 45-character "encrypted" password: 13 characters of salt + 32 of SHA-256 digest (base64). */
export async function encryptPassword(
  password: string,
  salt = toBase64(crypto.getRandomValues(new Uint8Array(12))).slice(0, 13),
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${salt}${password}`)));
  return `${salt}${toBase64(digest).slice(0, 32)}`;
}

export async function passwordMatches(encrypted: string | null, password: string): Promise<boolean> {
  if (encrypted?.length !== 45) return false;
  return (await encryptPassword(password, encrypted.slice(0, 13))) === encrypted;
}

export class Open2bStore {
  readonly customers = new Map<number, Open2bCustomer>();
  /** Labels are a find/count condition but not a customer field on the wire. */
  readonly labels = new Map<number, number[]>();
  readonly groups = new Set<number>([1, 2, 3]);
  private nextId = 1001;

  newId(): number {
    while (this.customers.has(this.nextId)) this.nextId++;
    return this.nextId++;
  }

  put(customer: Open2bCustomer): void {
    customer.fullName = fullNameOf(customer.billingAddress);
    this.customers.set(customer.id, customer);
    if (customer.id >= this.nextId) this.nextId = customer.id + 1;
  }

  clear(): void {
    this.customers.clear();
    this.labels.clear();
    this.groups.clear();
    for (const g of [1, 2, 3]) this.groups.add(g);
    this.nextId = 1001;
  }
}
