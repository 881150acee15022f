import type {
  Address,
  AddressCreate,
  AddressPatch,
  Customer,
  CustomerCreate,
  CustomerPatch,
  Gender,
} from '../../schemas/index.js';
import { compact, FieldErrors } from '../support.js';
import { BACKEND } from './errors.js';
import type { OcapiAddress, OcapiCustomer } from './upstream.js';

/**
 * Pure mapping between canonical models and OCAPI documents (the table in docs/backends/sfcc.md, *What maps*).
 * Writes never send a field the 20.4 `customer` / `customer_address` definitions lack, except
 * `c_*` custom attributes (the definitions allow additional properties; that is how OCAPI
 * carries them). What OCAPI cannot hold is reported as field errors, never dropped.
 */

// ---- reading -----------------------------------------------------------------------------

const GENDER_FROM_OCAPI: Record<number, Gender> = { 1: 'male', 2: 'female' };
const GENDER_TO_OCAPI: Partial<Record<Gender, 1 | 2>> = { male: 1, female: 2 };

/** Keeps non-empty strings only (OCAPI may answer "" for a cleared attribute). */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** OCAPI timestamps are UTC (`…Z`); normalised to ISO 8601 with the offset. */
const time = (v: unknown): string | undefined => {
  const s = str(v);
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

const date = (v: unknown): string | undefined => {
  const s = str(v)?.slice(0, 10);
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
};

export function fromOcapiAddress(doc: OcapiAddress): Address {
  const preferred = doc.preferred === true;
  return compact({
    id: doc.address_id,
    firstName: str(doc.first_name),
    lastName: str(doc.last_name) ?? '',
    fullName: str(doc.full_name),
    secondName: str(doc.second_name),
    title: str(doc.title),
    salutation: str(doc.salutation),
    suffix: str(doc.suffix),
    companyName: str(doc.company_name),
    jobTitle: str(doc.job_title),
    line1: str(doc.address1) ?? '',
    line2: str(doc.address2),
    postBox: str(doc.post_box),
    suite: str(doc.suite),
    city: str(doc.city) ?? '',
    postalCode: str(doc.postal_code) ?? '',
    stateCode: str(doc.state_code),
    countryCode: (str(doc.country_code) ?? '').toUpperCase(),
    phone: str(doc.phone),
    // One preferred address serves as both defaults (lossy: see docs/backends/sfcc.md).
    isDefaultBilling: preferred,
    isDefaultShipping: preferred,
    createdAt: time(doc.creation_date),
    updatedAt: time(doc.last_modified),
  });
}

/** The customer's login: OCAPI's `login`, or `credentials.login` where the document carries only that. */
export const loginOf = (doc: OcapiCustomer): string | undefined => str(doc.login) ?? str(doc.credentials?.login);

export function fromOcapiCustomer(doc: OcapiCustomer, externalRefAttribute: string): Customer {
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('c_') && key !== externalRefAttribute && value !== null && value !== undefined)
      custom[key.slice(2)] = value;
  }
  const phones = compact({
    primary: str(doc.phone_home),
    mobile: str(doc.phone_mobile),
    business: str(doc.phone_business),
    fax: str(doc.fax),
  });
  const externalRef = doc[externalRefAttribute];
  const enabled = doc.enabled ?? doc.credentials?.enabled;
  return compact({
    id: doc.customer_id,
    customerNo: str(doc.customer_no),
    externalRef:
      typeof externalRef === 'string' && externalRef !== ''
        ? externalRef
        : typeof externalRef === 'number'
          ? String(externalRef)
          : undefined,
    email: doc.email ?? '',
    login: loginOf(doc),
    firstName: str(doc.first_name),
    lastName: str(doc.last_name),
    secondName: str(doc.second_name),
    title: str(doc.title),
    salutation: str(doc.salutation),
    suffix: str(doc.suffix),
    gender: doc.gender === undefined ? undefined : GENDER_FROM_OCAPI[doc.gender],
    birthDate: date(doc.birthday),
    companyName: str(doc.company_name),
    jobTitle: str(doc.job_title),
    phones: Object.keys(phones).length > 0 ? phones : undefined,
    status: { active: enabled !== false, guest: doc.auth_type === 'guest' },
    createdAt: time(doc.creation_date),
    updatedAt: time(doc.last_modified),
    lastLoginAt: time(doc.last_login_time),
    addresses: doc.addresses?.map(fromOcapiAddress),
    custom: Object.keys(custom).length > 0 ? custom : undefined,
  });
}

// ---- writing -----------------------------------------------------------------------------

type Doc = Record<string, unknown>;

/** Canonical name → OCAPI name, for the plain string fields both sides share (customers and addresses alike). */
const CUSTOMER_STRINGS = {
  firstName: 'first_name',
  lastName: 'last_name',
  secondName: 'second_name',
  title: 'title',
  salutation: 'salutation',
  suffix: 'suffix',
  companyName: 'company_name',
  jobTitle: 'job_title',
} as const;
const PHONES = { primary: 'phone_home', mobile: 'phone_mobile', business: 'phone_business', fax: 'fax' } as const;

/** An address carries the customer's name fields (same OCAPI names), its fullName and the postal fields. */
const ADDRESS_STRINGS = {
  ...CUSTOMER_STRINGS,
  fullName: 'full_name',
  line1: 'address1',
  line2: 'address2',
  postBox: 'post_box',
  suite: 'suite',
  city: 'city',
  postalCode: 'postal_code',
  stateCode: 'state_code',
  countryCode: 'country_code',
  phone: 'phone',
} as const;

/** Canonical address fields OCAPI's `customer_address` has no place for. */
const ADDRESS_UNSUPPORTED = {
  externalRef: 'SFCC addresses have no external reference; the address id (its name) identifies it',
  street: 'SFCC addresses have no separate street; put it in line1',
  houseNumber: 'SFCC addresses have no separate house number; put it in line1',
  collectionPoint: 'SFCC customer addresses cannot hold a collection point',
} as const;

const CUSTOM_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** `custom` → `c_*`: keys must be attribute names; values scalars or lists of scalars. */
function customToOcapi(
  custom: Record<string, unknown>,
  externalRefAttribute: string,
  errors: FieldErrors,
  doc: Doc,
): void {
  for (const [key, value] of Object.entries(custom)) {
    const path = `custom.${key}`;
    if (!CUSTOM_KEY.test(key)) errors.add(path, 'must be a custom attribute name (letters, digits, underscores)');
    else if (`c_${key}` === externalRefAttribute)
      errors.add(path, 'holds externalRef on this backend; set externalRef instead');
    else if (value === null) doc[`c_${key}`] = null;
    // OCAPI takes an empty string as "no value": stored, it would read back absent.
    else if (value === '')
      errors.add(path, 'SFCC keeps no empty string (it clears the attribute): send null to clear it');
    else if (isScalar(value) || (Array.isArray(value) && value.every(isScalar))) doc[`c_${key}`] = value;
    else errors.add(path, 'SFCC custom attributes hold a string, number, boolean or a list of them');
  }
}

export interface RegistrationPlan {
  /** POST /customers body's `customer`: what registration takes (login, email, last_name). */
  registration: { login: string; email: string; last_name: string };
  /** Everything else, PATCHed right after registration (registration ignores other fields). */
  profile: Doc;
}

export function toOcapiCustomerCreate(input: CustomerCreate, externalRefAttribute: string): RegistrationPlan {
  const errors = new FieldErrors(BACKEND);
  if (!input.lastName) errors.add('lastName', 'is required by SFCC');
  if (input.groups !== undefined && input.groups.length > 0)
    errors.add('groups', 'SFCC customer groups cannot be written through the Shop API');
  const profile: Doc = {};
  for (const [canonical, ocapi] of Object.entries(CUSTOMER_STRINGS)) {
    const value = input[canonical as keyof typeof CUSTOMER_STRINGS];
    if (value !== undefined && canonical !== 'lastName') profile[ocapi] = value;
  }
  if (input.gender !== undefined && input.gender !== 'unspecified') {
    const gender = GENDER_TO_OCAPI[input.gender];
    if (gender === undefined) errors.add('gender', `SFCC stores only male or female (got ${input.gender})`);
    else profile.gender = gender;
  }
  if (input.birthDate !== undefined) profile.birthday = input.birthDate;
  for (const [canonical, ocapi] of Object.entries(PHONES)) {
    const value = input.phones?.[canonical as keyof typeof PHONES];
    if (value !== undefined) profile[ocapi] = value;
  }
  if (input.active === false) profile.enabled = false;
  if (input.custom) customToOcapi(input.custom, externalRefAttribute, errors, profile);
  if (input.externalRef !== undefined) profile[externalRefAttribute] = input.externalRef;
  (input.addresses ?? []).forEach((address, i) => errors.unsupported(address, ADDRESS_UNSUPPORTED, `addresses.${i}.`));
  errors.throwIfAny();
  return {
    registration: { login: input.login ?? input.email, email: input.email, last_name: input.lastName! },
    profile,
  };
}

/**
 * A canonical customer patch as a `customer` document. Absent = unchanged; `null` clears: strings
 * are cleared with "" (the spec's string fields take it; `null` is not valid there), custom
 * attributes with `null`. `currentCustomKeys` are the `c_*` keys the customer holds now, so a
 * `custom` object replaces the whole set as it does on every backend.
 */
export function toOcapiCustomerPatch(
  patch: CustomerPatch,
  externalRefAttribute: string,
  currentCustomKeys: string[] = [],
  options: { loginThroughDataApi?: boolean } = {},
): Doc {
  const errors = new FieldErrors(BACKEND);
  const doc: Doc = {};
  if (patch.email !== undefined) doc.email = patch.email;
  // A login is changed through the Data API (see index.ts), where it is configured.
  if (patch.login === null) errors.add('login', 'SFCC customers always have a login');
  else if (patch.login !== undefined && !options.loginThroughDataApi)
    errors.add(
      'login',
      'the Shop API cannot change a login (the Data API can: set SFCC_DATA_BASE_URL and SFCC_CUSTOMER_LIST)',
    );
  if (patch.groups !== undefined) errors.add('groups', 'SFCC customer groups cannot be written through the Shop API');
  for (const [canonical, ocapi] of Object.entries(CUSTOMER_STRINGS)) {
    const value = patch[canonical as keyof typeof CUSTOMER_STRINGS];
    if (value === null && canonical === 'lastName') errors.add('lastName', 'is required by SFCC and cannot be cleared');
    else if (value !== undefined) doc[ocapi] = value ?? '';
  }
  if (patch.gender !== undefined) {
    const gender = patch.gender === null ? undefined : GENDER_TO_OCAPI[patch.gender];
    if (gender === undefined) {
      errors.add(
        'gender',
        patch.gender === null || patch.gender === 'unspecified'
          ? 'the Shop API cannot clear a gender once set'
          : `SFCC stores only male or female (got ${patch.gender})`,
      );
    } else doc.gender = gender;
  }
  if (patch.birthDate === null) errors.add('birthDate', 'the Shop API cannot clear a birthday once set');
  else if (patch.birthDate !== undefined) doc.birthday = patch.birthDate;
  if (patch.phones !== undefined) {
    // Phones is one object: what it leaves out is cleared (as on every backend).
    for (const [canonical, ocapi] of Object.entries(PHONES))
      doc[ocapi] = patch.phones?.[canonical as keyof typeof PHONES] ?? '';
  }
  if (patch.active !== undefined) doc.enabled = patch.active;
  if (patch.externalRef !== undefined) doc[externalRefAttribute] = patch.externalRef;
  if (patch.custom !== undefined) {
    const next = patch.custom ?? {};
    for (const key of currentCustomKeys) if (key !== externalRefAttribute && !(key.slice(2) in next)) doc[key] = null;
    customToOcapi(next, externalRefAttribute, errors, doc);
  }
  errors.throwIfAny();
  return doc;
}

export function toOcapiAddressCreate(input: AddressCreate, makeId: (input: AddressCreate) => string): Doc {
  const errors = new FieldErrors(BACKEND);
  errors.unsupported(input, ADDRESS_UNSUPPORTED);
  errors.throwIfAny();
  const doc: Doc = { address_id: input.id ?? makeId(input) };
  for (const [canonical, ocapi] of Object.entries(ADDRESS_STRINGS)) {
    const value = input[canonical as keyof typeof ADDRESS_STRINGS];
    if (value !== undefined) doc[ocapi] = value;
  }
  // OCAPI has one preferred address for both billing and shipping.
  doc.preferred = input.isDefaultBilling || input.isDefaultShipping;
  return doc;
}

export function toOcapiAddressPatch(patch: AddressPatch): Doc {
  const errors = new FieldErrors(BACKEND);
  errors.unsupported(patch, ADDRESS_UNSUPPORTED);
  const doc: Doc = {};
  if (patch.id !== undefined) doc.address_id = patch.id;
  for (const [canonical, ocapi] of Object.entries(ADDRESS_STRINGS)) {
    const value = patch[canonical as keyof typeof ADDRESS_STRINGS];
    if (value !== undefined) doc[ocapi] = value ?? '';
  }
  const billing = patch.isDefaultBilling;
  const shipping = patch.isDefaultShipping;
  if (billing !== undefined || shipping !== undefined)
    doc.preferred = Boolean(billing ?? shipping) || Boolean(shipping ?? billing);
  errors.throwIfAny();
  return doc;
}

/**
 * An address name when the caller gives none (OCAPI names must be unique per customer): random,
 * with nothing of the address in it. Names are ids that travel where personal data must not: change
 * events with `EVENTS_PAYLOAD=ids`, logs, and what an erasure keeps of the events.
 */
export function makeAddressId(random: () => string = () => crypto.randomUUID().slice(0, 8)): string {
  return `address-${random()}`;
}

/** The `c_*` keys a stored customer has (for replacing `custom` as a whole). */
export const customKeysOf = (doc: OcapiCustomer): string[] => Object.keys(doc).filter((k) => k.startsWith('c_'));
