import type { AddressCreate, AddressPatch, CustomerCreate, CustomerPatch, Phones } from '../../schemas/index.js';
import { GatewayError } from '../errors.js';
import { FieldErrors } from '../support.js';
import { BACKEND, canonicalPath, type FieldContext } from './errors.js';
import { charLength, OPEN2B_LIMITS, type LimitedField } from './limits.js';
import { present, splitName, type Slot } from './map.js';
import { slotFor } from './slots.js';
import type { BillingAddressBody, CustomerBody, CustomerWire, ShippingAddressBody } from './upstream.js';

/**
 * Canonical input → Open2b request bodies. Everything is checked here, before a single call goes
 * out: lengths against OPEN2B_LIMITS, fields Open2b has no place for, the two-slot address model.
 * A value Open2b cannot store is a 400 naming the field (never truncated, never dropped).
 */

function checkLength(p: FieldErrors, field: LimitedField, value: string, path: string) {
  const { min, max } = OPEN2B_LIMITS[field];
  const length = charLength(value);
  if (length > max)
    p.add(path, `must be at most ${max} characters for Open2b (${field} holds ${min}–${max}); got ${length}`);
  else if (length < min)
    p.add(
      path,
      min === 1 ? `is required by Open2b (${field})` : `must be at least ${min} characters for Open2b (${field})`,
    );
}

/**
 * Checks every field of a slot body against the limits, reporting at the canonical path it came
 * from: the one Open2b field → canonical path table (errors.ts), with `overrides` where this
 * request put another canonical field into the slot (key → path).
 */
function checkSlot(
  p: FieldErrors,
  slot: 'billingAddress' | 'shippingAddress',
  body: object,
  fields: FieldContext,
  overrides: Record<string, string> = {},
) {
  for (const [key, value] of Object.entries(body)) {
    const field = `${slot}.${key}` as LimitedField;
    if (field in OPEN2B_LIMITS && typeof value === 'string')
      checkLength(p, field, value, overrides[key] ?? canonicalPath(field, fields));
  }
}

const NO_FIELD = 'Open2b has no field for it; leave it out';
const UNSTORABLE_CUSTOMER = [
  'secondName',
  'title',
  'salutation',
  'suffix',
  'gender',
  'birthDate',
  'jobTitle',
  'custom',
] as const;
const UNSTORABLE_ADDRESS = [
  'externalRef',
  'secondName',
  'title',
  'salutation',
  'suffix',
  'jobTitle',
  'street',
  'houseNumber',
  'postBox',
  'suite',
  'collectionPoint',
] as const;
/** Open2b's shipping address is name and postal fields only. */
const UNSTORABLE_SHIPPING = [...UNSTORABLE_ADDRESS, 'companyName', 'phone'] as const;

function rejectUnstorable(p: FieldErrors, input: object, keys: readonly string[], prefix = '') {
  p.unsupported(input, Object.fromEntries(keys.map((key) => [key, NO_FIELD])), prefix);
}

/**
 * What a guest's registration writes after converting it (its other fields, its addresses), checked
 * before the conversion for what Open2b can never store, whatever the guest holds: fields it has no
 * place for, the customer's name lengths, a login, a group. (Slots and merged lengths are checked
 * again when written.)
 */
export function checkOpen2bConversion(profile: CustomerPatch, addresses: readonly AddressCreate[]): Slot[] {
  const slots = registrationSlots(addresses);
  const p = new FieldErrors(BACKEND);
  rejectUnstorable(p, profile, UNSTORABLE_CUSTOMER);
  if (typeof profile.login === 'string' && typeof profile.email === 'string')
    checkLogin(p, profile.login, profile.email);
  if (profile.groups !== undefined) toGroup(p, profile.groups);
  if (typeof profile.externalRef === 'string') checkLength(p, 'code', profile.externalRef, 'externalRef');
  if (typeof profile.firstName === 'string') checkLength(p, 'billingAddress.firstName', profile.firstName, 'firstName');
  if (typeof profile.lastName === 'string') checkLength(p, 'billingAddress.lastName', profile.lastName, 'lastName');
  for (const [i, address] of addresses.entries()) rejectUnstorable(p, address, UNSTORABLE_ADDRESS, `addresses.${i}.`);
  p.throwIfAny();
  return slots;
}

/**
 * A guest's registration whose address takes the billing slot (registrationSlots): Open2b keeps the
 * customer's name, company and phone in that address, so the address must say what the customer
 * will (the registration's fields, else the guest's), or leave them out, as on a new customer;
 * checked before the conversion writes anything.
 */
export function checkConversionBilling(
  profile: CustomerPatch,
  address: AddressCreate,
  guest: CustomerWire,
  prefix: string,
): void {
  const p = new FieldErrors(BACKEND);
  const b = guest.billingAddress;
  const value = (patched: string | null | undefined, stored: string | null | undefined) =>
    patched === null ? undefined : (patched ?? present(stored));
  oneOf(p, value(profile.firstName, b.firstName), address.firstName, `${prefix}firstName`, 'firstName');
  oneOf(p, value(profile.lastName, b.lastName), address.lastName, `${prefix}lastName`, 'lastName');
  oneOf(p, value(profile.companyName, b.companyName), address.companyName, `${prefix}companyName`, 'companyName');
  const phone = profile.phones === undefined ? present(b.phoneNumber) : (profile.phones?.primary ?? undefined);
  oneOf(p, phone, address.phone, `${prefix}phone`, 'phones.primary');
  p.throwIfAny();
}

/** The slot each address of a registration takes, in order, as on a new customer (slotFor). */
export function registrationSlots(addresses: readonly AddressCreate[]): Slot[] {
  const taken: Record<Slot, boolean> = { billing: false, shipping: false };
  return addresses.map((a, i) => {
    const slot = slotFor(a, taken, `addresses.${i}.`);
    taken[slot] = true;
    return slot;
  });
}

function checkLogin(p: FieldErrors, login: string | null | undefined, email: string) {
  if (login !== undefined && login !== null && login.toLowerCase() !== email.toLowerCase()) {
    p.add('login', 'Open2b logs customers in with their email; leave login out or make it equal to email');
  }
}

function toGroup(p: FieldErrors, groups: string[] | null | undefined): number | undefined {
  if (groups === undefined) return undefined;
  const { min, max } = OPEN2B_LIMITS.group;
  if (groups === null || groups.length !== 1) {
    p.add('groups', 'every Open2b customer belongs to exactly one customer group: give one group id');
    return undefined;
  }
  const id = Number(groups[0]);
  if (!/^[1-9]\d*$/.test(groups[0]!) || id < min || id > max) {
    p.add('groups.0', `must be an Open2b customer group id (an integer ${min}–${max})`);
    return undefined;
  }
  return id;
}

function phonesToBilling(p: FieldErrors, phones: Phones | null, prefix = 'phones.') {
  if (phones?.business !== undefined) p.add(`${prefix}business`, 'Open2b keeps phone, mobile and fax numbers only');
  return { phoneNumber: phones?.primary ?? '', mobileNumber: phones?.mobile ?? '', faxNumber: phones?.fax ?? '' };
}

/** The shipping slot's one name is built from firstName and lastName: a bad length is lastName's. */
const composedName = (prefix: string) => ({ name: `${prefix}lastName` });

/** fullName is derived in Open2b; we accept it only when it says the same as firstName + lastName. */
function checkFullName(
  p: FieldErrors,
  fullName: string | null | undefined,
  firstName: string | undefined,
  lastName: string,
  prefix: string,
) {
  // One name joined by a space, read back split at its last space: a blank part would read back
  // as another name (" " as lastName gives the first name as the last).
  if (lastName.trim() === '')
    p.add(`${prefix}lastName`, 'must not be blank: Open2b keeps "firstName lastName" as one name');
  if (firstName !== undefined && firstName.trim() === '')
    p.add(`${prefix}firstName`, 'must not be blank (leave it out): Open2b keeps "firstName lastName" as one name');
  const composed = [firstName, lastName].filter(Boolean).join(' ');
  if (fullName !== undefined && fullName !== null && fullName !== composed) {
    p.add(`${prefix}fullName`, 'Open2b keeps one name per address: leave fullName out or make it "firstName lastName"');
  }
  return composed;
}

type PostalFields = Pick<AddressCreate, 'line1' | 'line2' | 'city' | 'postalCode' | 'stateCode' | 'countryCode'>;
const postal = (a: PostalFields) => ({
  street1: a.line1,
  street2: a.line2 ?? '',
  city: a.city,
  postalCode: a.postalCode,
  stateProv: a.stateCode ?? '',
  country: a.countryCode,
});

function shippingBody(p: FieldErrors, a: AddressCreate, prefix: string): ShippingAddressBody {
  rejectUnstorable(p, a, UNSTORABLE_SHIPPING, prefix);
  const name = checkFullName(p, a.fullName, a.firstName, a.lastName, prefix);
  const body = { name, ...postal(a) };
  checkSlot(p, 'shippingAddress', body, { shipping: prefix }, composedName(prefix));
  return body;
}

/** The same value given twice (customer-level and on the billing address) must agree: Open2b stores it once. */
function oneOf(
  p: FieldErrors,
  customerValue: string | undefined,
  addressValue: string | undefined,
  addressPath: string,
  customerPath: string,
) {
  if (customerValue !== undefined && addressValue !== undefined && customerValue !== addressValue) {
    p.add(
      addressPath,
      `Open2b keeps the customer's ${customerPath} in the billing address: it must equal ${customerPath} or be left out`,
    );
  }
  return customerValue ?? addressValue;
}

/** POST /customers → commerce.customers.create. */
export function toOpen2bCustomerCreate(input: CustomerCreate): { customer: CustomerBody; fields: FieldContext } {
  const addresses = input.addresses ?? [];
  const slotIndex: Partial<Record<Slot, number>> = {};
  registrationSlots(addresses).forEach((slot, i) => {
    slotIndex[slot] = i;
  });
  if (slotIndex.billing === undefined) {
    throw new GatewayError(
      'validation_failed',
      'addresses: Open2b requires a billing address: give at least one address that is not shipping-only',
      {
        errors: [
          { path: 'addresses', message: 'Open2b requires a billing address (an address that is not shipping-only)' },
        ],
      },
    );
  }

  const p = new FieldErrors(BACKEND);
  rejectUnstorable(p, input, UNSTORABLE_CUSTOMER);
  checkLogin(p, input.login, input.email);
  const group = toGroup(p, input.groups);
  if (input.externalRef !== undefined) checkLength(p, 'code', input.externalRef, 'externalRef');
  if (input.password !== undefined) checkLength(p, 'password', input.password, 'password');
  else if (input.active)
    p.add('password', 'Open2b lets only customers with a password log in: give a password, or active: false');

  const bi = slotIndex.billing;
  const a = addresses[bi]!;
  const prefix = `addresses.${bi}.`;
  rejectUnstorable(p, a, UNSTORABLE_ADDRESS, prefix);
  const firstName = oneOf(p, input.firstName, a.firstName, `${prefix}firstName`, 'firstName');
  const lastName = oneOf(p, input.lastName, a.lastName, `${prefix}lastName`, 'lastName')!;
  const companyName = oneOf(p, input.companyName, a.companyName, `${prefix}companyName`, 'companyName');
  const phone = oneOf(p, input.phones?.primary, a.phone, `${prefix}phone`, 'phones.primary');
  checkFullName(p, a.fullName, firstName, lastName, prefix);
  if (firstName === undefined) p.add('firstName', `is required by Open2b (give firstName or ${prefix}firstName)`);
  const billingAddress: BillingAddressBody = {
    ...phonesToBilling(p, input.phones ?? null),
    phoneNumber: phone ?? '',
    firstName: firstName ?? '',
    lastName,
    companyName: companyName ?? '',
    ...postal(a),
    email: input.email,
  };
  // A name the customer level left out came from the billing address: its errors are the address's.
  const fromAddress = {
    ...(input.firstName === undefined ? { firstName: `${prefix}firstName` } : {}),
    ...(input.lastName === undefined ? { lastName: `${prefix}lastName` } : {}),
    ...(input.companyName === undefined ? { companyName: `${prefix}companyName` } : {}),
    ...(input.phones?.primary === undefined ? { phoneNumber: `${prefix}phone` } : {}),
  };
  checkSlot(p, 'billingAddress', billingAddress, { billing: prefix, customerNames: true }, fromAddress);

  const si = slotIndex.shipping;
  const shippingAddress = si === undefined ? null : shippingBody(p, addresses[si]!, `addresses.${si}.`);
  p.throwIfAny();
  return {
    customer: {
      ...(input.externalRef !== undefined ? { code: input.externalRef } : {}),
      canLogin: input.active,
      ...(input.password !== undefined ? { password: { value: input.password } } : {}),
      ...(group !== undefined ? { group } : {}),
      billingAddress,
      shippingAddress,
    },
    fields: { billing: prefix, shipping: si === undefined ? undefined : `addresses.${si}.`, customerNames: true },
  };
}

/** The stored billing address as an update body: every field read, the unmapped ones included. */
export const billingOf = (c: CustomerWire): BillingAddressBody => ({ ...c.billingAddress });

/** PATCH /customers/{id} → the parts of commerce.customers.update that change (the billing address whole). */
export function toOpen2bCustomerPatch(current: CustomerWire, patch: CustomerPatch): CustomerBody {
  const p = new FieldErrors(BACKEND);
  rejectUnstorable(p, patch, UNSTORABLE_CUSTOMER);
  const billing = billingOf(current);
  const next: BillingAddressBody = { ...billing };
  if (patch.email !== undefined) next.email = patch.email;
  checkLogin(p, patch.login, next.email);
  for (const key of ['firstName', 'lastName'] as const) {
    if (patch[key] === null) p.add(key, `is required by Open2b and cannot be removed`);
    else if (patch[key] !== undefined) next[key] = patch[key];
  }
  if (patch.companyName !== undefined) next.companyName = patch.companyName ?? '';
  if (patch.phones !== undefined) Object.assign(next, phonesToBilling(p, patch.phones));
  const body: CustomerBody = {};
  if (patch.externalRef !== undefined) {
    body.code = patch.externalRef ?? '';
    checkLength(p, 'code', body.code, 'externalRef');
  }
  const group = toGroup(p, patch.groups);
  if (group !== undefined) body.group = group;
  if (patch.active !== undefined) {
    if (patch.active && !current.hasPassword)
      p.add('active', 'Open2b lets only customers with a password log in: set a password first');
    body.canLogin = patch.active;
  }
  checkSlot(p, 'billingAddress', next, { customerNames: true });
  p.throwIfAny();
  if (JSON.stringify(next) !== JSON.stringify(billing)) body.billingAddress = next;
  return body;
}

/** POST /customers/{id}/addresses → the slot it takes and the update that fills it. */
export function toOpen2bAddressCreate(
  current: CustomerWire,
  input: AddressCreate,
): { slot: Slot; customer: CustomerBody } {
  const taken = { billing: true, shipping: current.shippingAddress !== null };
  const slot = slotFor(input, taken, '', String(current.id));
  // Open2b customers always have a billing address, so a new one can only be the shipping address.
  const p = new FieldErrors(BACKEND);
  const shippingAddress = shippingBody(p, input, '');
  p.throwIfAny();
  return { slot, customer: { shippingAddress } };
}

/** PATCH /customers/{id}/addresses/{slot} → the whole slot, merged, for commerce.customers.update. */
export function toOpen2bAddressPatch(current: CustomerWire, slot: Slot, patch: AddressPatch): CustomerBody {
  const p = new FieldErrors(BACKEND);
  const flag = (key: 'isDefaultBilling' | 'isDefaultShipping', expected: boolean, why: string) => {
    if (patch[key] !== undefined && patch[key] !== expected) p.add(key, why);
  };
  if (slot === 'billing') {
    rejectUnstorable(p, patch, UNSTORABLE_ADDRESS);
    flag('isDefaultBilling', true, 'the Open2b billing address is always the default billing address');
    flag(
      'isDefaultShipping',
      current.shippingAddress === null,
      current.shippingAddress === null
        ? 'without a shipping address Open2b ships to the billing address: add a shipping address instead'
        : 'Open2b ships to the shipping address while there is one: delete it to ship to the billing address',
    );
    const next = billingOf(current);
    if (patch.firstName === null)
      p.add('firstName', 'is required by Open2b on the billing address and cannot be removed');
    else if (patch.firstName !== undefined) next.firstName = patch.firstName;
    if (patch.lastName !== undefined) next.lastName = patch.lastName;
    if (patch.companyName !== undefined) next.companyName = patch.companyName ?? '';
    if (patch.phone !== undefined) next.phoneNumber = patch.phone ?? '';
    if (patch.line1 !== undefined) next.street1 = patch.line1;
    if (patch.line2 !== undefined) next.street2 = patch.line2 ?? '';
    if (patch.city !== undefined) next.city = patch.city;
    if (patch.postalCode !== undefined) next.postalCode = patch.postalCode;
    if (patch.stateCode !== undefined) next.stateProv = patch.stateCode ?? '';
    if (patch.countryCode !== undefined) next.country = patch.countryCode;
    checkFullName(p, patch.fullName, next.firstName || undefined, next.lastName, '');
    checkSlot(p, 'billingAddress', next, { billing: '' });
    p.throwIfAny();
    return { billingAddress: next };
  }

  const s = current.shippingAddress!;
  rejectUnstorable(p, patch, UNSTORABLE_SHIPPING);
  flag('isDefaultBilling', false, 'only the Open2b billing address is the default billing address');
  flag(
    'isDefaultShipping',
    true,
    'the Open2b shipping address is always the default shipping address: delete it to ship to the billing address',
  );
  const stored = splitName(s.name);
  const firstName = patch.firstName === undefined ? stored.firstName : (patch.firstName ?? undefined);
  const lastName = patch.lastName ?? stored.lastName;
  const touchesName = patch.firstName !== undefined || patch.lastName !== undefined;
  let name = s.name;
  if (typeof patch.fullName === 'string' && !touchesName) name = patch.fullName;
  else if (touchesName || patch.fullName !== undefined)
    name = checkFullName(p, patch.fullName, firstName, lastName, '');
  const next: ShippingAddressBody = {
    name,
    street1: patch.line1 ?? s.street1,
    street2: patch.line2 === undefined ? s.street2 : (patch.line2 ?? ''),
    city: patch.city ?? s.city,
    postalCode: patch.postalCode ?? s.postalCode,
    stateProv: patch.stateCode === undefined ? s.stateProv : (patch.stateCode ?? ''),
    country: patch.countryCode ?? s.country,
  };
  checkSlot(p, 'shippingAddress', next, { shipping: '' }, touchesName ? composedName('') : {});
  p.throwIfAny();
  return { shippingAddress: next };
}
