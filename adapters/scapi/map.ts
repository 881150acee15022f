import type {
  Address,
  AddressCreate,
  AddressPatch,
  Customer,
  CustomerCreate,
  CustomerPatch,
  Gender,
  Phones,
} from '../../schemas/index.js';
import { compact, FieldErrors } from '../support.js';
import { ADDRESS_TEXT, BACKEND, CUSTOMER_TEXT } from './errors.js';
import type { ScapiAddress, ScapiCustomer } from './upstream.js';

/**
 * Pure mapping between canonical models and the Admin Customers `Customer` / `CustomerAddress`
 * documents. Writes send only properties those schemas define (plus `c_*` custom attributes) and
 * always the schemas' required ones; what SCAPI cannot hold is refused by field, never dropped.
 * Lengths are counted in UTF-8 bytes: SCAPI stores these strings in 256-byte columns (the spec's
 * `String256` schema), so 130 "é" do not fit where 256 "e" do.
 */

type Doc = Record<string, unknown>;

const GENDER_FROM: Record<number, Gender> = { 1: 'male', 2: 'female' };
const GENDER_TO: Partial<Record<Gender, number>> = { male: 1, female: 2 };

/** Byte limits of the SCAPI string properties (the specs' maxLength; 256 where not listed). */
const MAX_BYTES: Record<string, number> = {
  phoneHome: 32,
  phoneMobile: 32,
  phoneBusiness: 32,
  fax: 32,
  suite: 32,
  phone: 32,
  countryCode: 2,
  fullName: 1027,
};
const maxBytes = (property: string) => MAX_BYTES[property] ?? 256;
/** Phones are one canonical object: `phones.primary` → `primary`. */
const PHONES = Object.entries(CUSTOMER_TEXT)
  .filter(([, path]) => path.startsWith('phones.'))
  .map(([property, path]) => [property, path.slice(7)] as const);
const CUSTOMER_STRINGS = Object.entries(CUSTOMER_TEXT).filter(([, path]) => !path.startsWith('phones.'));
const ADDRESS_STRINGS = Object.entries(ADDRESS_TEXT);

const ADDRESS_UNSUPPORTED = {
  externalRef: 'SCAPI addresses have no external reference; the address id identifies it',
  street: 'SCAPI addresses have no separate street; put it in line1',
  houseNumber: 'SCAPI addresses have no separate house number; put it in line1',
  collectionPoint: 'SCAPI customer addresses cannot hold a collection point',
} as const;
const GROUPS_REFUSED =
  'customer groups are not written through the customer list (Admin Customers customer-groups members API)';

export const utf8Length = (value: string) => new TextEncoder().encode(value).length;

/** Puts a string property after checking its byte length. */
function put(doc: Doc, errors: FieldErrors, path: string, property: string, value: string, maxBytes: number): void {
  if (utf8Length(value) > maxBytes)
    errors.add(path, `at most ${maxBytes} bytes in UTF-8 (SCAPI counts bytes, not characters)`);
  else doc[property] = value;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const time = (v: unknown): string | undefined => {
  const ms = Date.parse(str(v) ?? '');
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

// ---- reading -----------------------------------------------------------------------------

/** An address; SCAPI's one primary address is the default for billing and shipping alike. */
export function fromScapiAddress(doc: ScapiAddress, primaryAddressId: string | undefined): Address {
  const primary = doc.addressId === primaryAddressId;
  const text = Object.fromEntries(ADDRESS_STRINGS.map(([property, field]) => [field, str(doc[property])]));
  return compact({
    ...text,
    id: doc.addressId,
    lastName: str(doc.lastName) ?? '',
    line1: str(doc.address1) ?? '',
    city: str(doc.city) ?? '',
    postalCode: str(doc.postalCode) ?? '',
    countryCode: (str(doc.countryCode) ?? '').toUpperCase(),
    isDefaultBilling: primary,
    isDefaultShipping: primary,
    createdAt: time(doc.creationDate),
    updatedAt: time(doc.lastModified),
  }) as Address;
}

export function fromScapiCustomer(
  doc: ScapiCustomer,
  externalRefAttribute: string,
  addresses?: ScapiAddress[],
): Customer {
  const custom: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('c_') && key !== externalRefAttribute && value !== null && value !== undefined)
      custom[key.slice(2)] = value;
  }
  const phones = compact(Object.fromEntries(PHONES.map(([property, field]) => [field, str(doc[property])])));
  const ref = doc[externalRefAttribute];
  const text = Object.fromEntries(CUSTOMER_STRINGS.map(([property, field]) => [field, str(doc[property])]));
  return compact({
    ...text,
    id: doc.customerNo,
    customerNo: doc.customerNo,
    externalRef: typeof ref === 'number' ? String(ref) : str(ref),
    email: str(doc.email) ?? '',
    login: str(doc.credentials?.login),
    gender: doc.gender === undefined ? undefined : GENDER_FROM[doc.gender],
    birthDate: str(doc.birthday)?.slice(0, 10),
    phones: Object.keys(phones).length > 0 ? phones : undefined,
    status: { active: doc.credentials?.enabled !== false && doc.credentials?.locked !== true, guest: false },
    createdAt: time(doc.creationDate),
    updatedAt: time(doc.lastModified),
    lastLoginAt: time(doc.lastLoginTime),
    custom: Object.keys(custom).length > 0 ? custom : undefined,
    addresses: addresses?.map((a) => fromScapiAddress(a, doc.primaryAddress?.addressId)),
  }) as Customer;
}

// ---- writing -----------------------------------------------------------------------------

const CUSTOM_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

/** `custom` → `c_*` (null clears one); keys must be attribute names, values scalars or lists of them. */
function putCustom(doc: Doc, errors: FieldErrors, custom: Record<string, unknown>, externalRefAttribute: string): void {
  for (const [key, value] of Object.entries(custom)) {
    const path = `custom.${key}`;
    const property = `c_${key}`;
    if (!CUSTOM_KEY.test(key)) errors.add(path, 'must be a custom attribute name (letters, digits, underscores)');
    else if (property === externalRefAttribute)
      errors.add(path, 'holds externalRef on this backend; set externalRef instead');
    // B2C Commerce takes an empty string as "no value" (as OCAPI does): stored, it would read back absent.
    else if (value === '')
      errors.add(path, 'SCAPI keeps no empty string (it clears the attribute): send null to clear it');
    else if (value === null || scalar(value) || (Array.isArray(value) && value.every(scalar))) doc[property] = value;
    else errors.add(path, 'SCAPI custom attributes hold a string, number, boolean or a list of them');
  }
}

/** Names, email and phones shared by create and patch; `null` clears with "" (the spec's strings take it). */
function putProfile(doc: Doc, errors: FieldErrors, input: CustomerPatch): void {
  for (const [property, field] of CUSTOMER_STRINGS) {
    const value = (input as Record<string, string | null | undefined>)[field];
    if (value === null && field === 'lastName') errors.add(field, 'is required by SCAPI and cannot be cleared');
    else if (value !== undefined) put(doc, errors, field, property, value ?? '', maxBytes(property));
  }
  if (input.phones !== undefined) {
    // Phones is one object: what it leaves out is cleared (as on every backend).
    for (const [property, field] of PHONES)
      put(doc, errors, `phones.${field}`, property, input.phones?.[field as keyof Phones] ?? '', maxBytes(property));
  }
  if (input.groups !== undefined && input.groups !== null) errors.add('groups', GROUPS_REFUSED);
}

function putGender(doc: Doc, errors: FieldErrors, gender: Gender | null | undefined, creating: boolean): void {
  if (gender === undefined || (creating && gender === 'unspecified')) return;
  const value = gender === null ? undefined : GENDER_TO[gender];
  if (value !== undefined) doc.gender = value;
  else if (gender === null || gender === 'unspecified') errors.add('gender', 'SCAPI cannot clear a gender once set');
  else errors.add('gender', `SCAPI stores only male or female (got ${gender})`);
}

/**
 * A canonical create as an Admin `Customer` body, without `customerNo` (the adapter numbers it
 * or Shopper Customers registration does). Addresses are checked too, so nothing is written
 * when any part cannot be stored.
 */
export function toScapiCustomerCreate(input: CustomerCreate, externalRefAttribute: string): Doc {
  const errors = new FieldErrors(BACKEND);
  if (!input.lastName) errors.add('lastName', 'is required by SCAPI');
  const doc: Doc = {};
  putProfile(doc, errors, input);
  const login = input.login ?? input.email;
  if (utf8Length(login) > 256)
    errors.add(input.login ? 'login' : 'email', 'at most 256 bytes in UTF-8 (SCAPI counts bytes, not characters)');
  doc.credentials = { login, enabled: input.active !== false };
  putGender(doc, errors, input.gender, true);
  if (input.birthDate !== undefined) doc.birthday = input.birthDate;
  if (input.custom) putCustom(doc, errors, input.custom, externalRefAttribute);
  if (input.externalRef !== undefined) doc[externalRefAttribute] = input.externalRef;
  (input.addresses ?? []).forEach((address, i) => checkAddress(address, errors, `addresses.${i}.`));
  errors.throwIfAny();
  return doc;
}

/**
 * A canonical patch as an Admin `Customer` PATCH body: always `customerNo` and `lastName` (the
 * schema requires them), `credentials` whole when login or active change, `custom` replacing
 * the whole set (attributes it leaves out are cleared with null).
 */
export function toScapiCustomerPatch(patch: CustomerPatch, current: ScapiCustomer, externalRefAttribute: string): Doc {
  const errors = new FieldErrors(BACKEND);
  const doc: Doc = { customerNo: current.customerNo, lastName: current.lastName ?? '' };
  putProfile(doc, errors, patch);
  if (patch.login !== undefined || patch.active !== undefined) {
    if (patch.login === null) errors.add('login', 'SCAPI customers always have a login');
    const login = patch.login ?? current.credentials?.login ?? '';
    if (utf8Length(login) > 256) errors.add('login', 'at most 256 bytes in UTF-8 (SCAPI counts bytes, not characters)');
    doc.credentials = compact({ login, enabled: patch.active ?? current.credentials?.enabled });
  }
  putGender(doc, errors, patch.gender, false);
  if (patch.birthDate === null) errors.add('birthDate', 'SCAPI cannot clear a birthday once set');
  else if (patch.birthDate !== undefined) doc.birthday = patch.birthDate;
  if (patch.externalRef !== undefined) doc[externalRefAttribute] = patch.externalRef;
  if (patch.custom !== undefined) {
    const next = patch.custom ?? {};
    for (const key of Object.keys(current))
      if (key.startsWith('c_') && key !== externalRefAttribute && !(key.slice(2) in next)) doc[key] = null;
    putCustom(doc, errors, next, externalRefAttribute);
  }
  errors.throwIfAny();
  return doc;
}

/** The string properties of an address input ("" for a cleared one), byte lengths checked. */
function putAddressText(doc: Doc, errors: FieldErrors, input: AddressPatch, prefix: string): void {
  errors.unsupported(input, ADDRESS_UNSUPPORTED, prefix);
  for (const [property, field] of ADDRESS_STRINGS) {
    const value = input[field];
    if (value === null && (field === 'lastName' || field === 'countryCode'))
      errors.add(`${prefix}${field}`, 'is required by SCAPI and cannot be cleared');
    else if (value !== undefined) put(doc, errors, `${prefix}${field}`, property, value ?? '', maxBytes(property));
  }
}

function checkAddress(input: AddressCreate, errors: FieldErrors, prefix: string): Doc {
  const doc: Doc = {};
  if (input.id !== undefined) put(doc, errors, `${prefix}id`, 'addressId', input.id, 256);
  putAddressText(doc, errors, input, prefix);
  return doc;
}

/** An address create as a `CustomerAddress` body; `primary` says whether it becomes the default. */
export function toScapiAddressCreate(
  input: AddressCreate,
  makeId: () => string,
  prefix = '',
): { doc: Doc; primary: boolean } {
  const errors = new FieldErrors(BACKEND);
  const doc = checkAddress(input, errors, prefix);
  errors.throwIfAny();
  return {
    doc: { addressId: input.id ?? makeId(), ...doc },
    primary: input.isDefaultBilling || input.isDefaultShipping,
  };
}

/**
 * An address patch as a `CustomerAddress` PATCH body: `addressId`, `countryCode` and `lastName`
 * always (required by the schema). `primary` is true to make it the default, undefined to leave
 * the defaults alone; SCAPI cannot un-set its primary address, so clearing the flags of the
 * primary address is refused.
 */
export function toScapiAddressPatch(
  patch: AddressPatch,
  current: ScapiAddress,
  isPrimary: boolean,
): { doc: Doc; primary?: true } {
  const errors = new FieldErrors(BACKEND);
  const doc: Doc = {
    addressId: current.addressId,
    countryCode: current.countryCode ?? '',
    lastName: current.lastName ?? '',
  };
  putAddressText(doc, errors, patch, '');
  const billing = patch.isDefaultBilling ?? undefined;
  const shipping = patch.isDefaultShipping ?? undefined;
  const wanted =
    billing === undefined && shipping === undefined
      ? undefined
      : Boolean(billing ?? shipping) || Boolean(shipping ?? billing);
  if (wanted === false && isPrimary)
    errors.add(
      billing === false ? 'isDefaultBilling' : 'isDefaultShipping',
      'SCAPI keeps one primary address; make another address the default instead',
    );
  errors.throwIfAny();
  return { doc, ...(wanted && !isPrimary ? { primary: true as const } : {}) };
}
