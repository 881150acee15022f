import countries from 'i18n-iso-countries';
import type { Context } from 'hono';
import { scayleNow, type ScayleAddress, type ScayleCustomer, type ScayleStore } from './store.js';
import { ERROR_KEYS, fail } from './wire.js';

/**
 * What the SCAYLE emulator's customer and address routes share: identifiers, lookups that fail
 * the way SCAYLE does, uniqueness checks, and how resources are presented.
 */

export const API_PREFIX = '/api/admin/v1';
export const CUSTOMERS = `${API_PREFIX}/shops/:shopKey/countries/:countryCode/customers`;

type Identifier = { kind: 'id'; id: number } | { kind: 'key'; key: string };

/** `123` or `key=<ref>` (sent URL-encoded as `key%3D<ref>`; the router hands it over decoded). */
export function parseIdentifier(raw: string, what: string): Identifier {
  if (/^[1-9]\d{0,15}$/.test(raw)) return { kind: 'id', id: Number(raw) };
  const match = /^key=(.+)$/s.exec(raw);
  if (match) return { kind: 'key', key: match[1]! };
  return fail(
    400,
    ERROR_KEYS.invalidIdentifier,
    `The ${what} identifier must be a positive integer or key=<referenceKey>.`,
    { identifier: what },
  );
}

/** A customer as the API answers: nested resources only where `with` asks for them. */
export function present(customer: ScayleCustomer, include: Set<string>): Record<string, unknown> {
  const { addresses, legacyCustomData, ...rest } = customer;
  const out: Record<string, unknown> = structuredClone(rest);
  if (include.has('addresses')) out.addresses = structuredClone(addresses);
  // PHP serialises an empty map as [], and SCAYLE answers legacyCustomData that way.
  if (include.has('legacyCustomData'))
    out.legacyCustomData = Object.keys(legacyCustomData).length ? structuredClone(legacyCustomData) : [];
  return out;
}

export function parseWith(value: string | undefined): Set<string> {
  const parts = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of parts) {
    if (!['addresses', 'legacyCustomData', 'nonUniqueAddresses'].includes(p)) {
      fail(400, ERROR_KEYS.invalidParameter, `Unknown nested resource ${p} in with.`, { parameter: 'with' });
    }
  }
  return new Set(parts);
}

/** SCAYLE's documented sort columns. The emulator keeps no app, invoice, login, lock or reset dates: those sort by id. */
export const SORTABLE = [
  'id',
  'appId',
  'birthDate',
  'firstName',
  'lastName',
  'lastInvoiceDate',
  'lastLoginDate',
  'lockedUntilDate',
  'passwordResetRequestedAt',
  'createdAt',
  'updatedAt',
] as const;

/**
 * An address as the address endpoints answer it: with the read-only `shopCountry` of the shop
 * country in the path (alpha-2, as in SCAYLE's SDK fixtures). Addresses nested in a customer carry none.
 */
export function presentAddress(address: ScayleAddress, c: Context, shopKey: string): Record<string, unknown> {
  const code = c.req.param('countryCode')!.toUpperCase();
  const alpha2 = code.length === 3 ? countries.alpha3ToAlpha2(code)! : code;
  const shopCountry = {
    id: 1,
    shopKey,
    countryCode: alpha2,
    defaultLanguageCode: 'de_DE',
    supportedLanguageCodes: [],
    priceGroupKey: null,
    url: null,
    active: true,
    currencyCode: null,
    deleted: false,
  };
  return { ...structuredClone(address), shopCountry };
}

export const FULL = new Set(['addresses', 'legacyCustomData']);

export function anonymizeAddressFields(a: ScayleAddress) {
  Object.assign(a, { street: 'anonymized', houseNumber: null, additional: null, phone: null });
  if (a.recipient) a.recipient = { ...a.recipient, firstName: 'anonymized', lastName: 'anonymized' };
}

/** Lookups and rules over one store, for the routes of one emulator. */
export function scayleResources(store: ScayleStore, shopKey: string) {
  const findCustomer = (c: Context): ScayleCustomer => {
    const ident = parseIdentifier(c.req.param('ident')!, 'customer');
    const customer = ident.kind === 'id' ? store.customers.get(ident.id) : store.byReferenceKey(ident.key);
    if (!customer) return fail(404, ERROR_KEYS.notFound, 'Customer not found.', { entity: 'customer' });
    return customer;
  };
  const findAddress = (c: Context, customer: ScayleCustomer): ScayleAddress => {
    const ident = parseIdentifier(c.req.param('addr')!, 'address');
    const address = customer.addresses.find((a) =>
      ident.kind === 'id' ? a.id === ident.id : a.referenceKey === ident.key,
    );
    if (!address) return fail(404, ERROR_KEYS.notFound, 'Customer address not found.', { entity: 'customerAddress' });
    return address;
  };
  const assertEmailFree = (email: string, self?: ScayleCustomer) => {
    const other = store.byEmail(email);
    if (other && other !== self)
      fail(409, ERROR_KEYS.emailTaken, 'A customer with this email already exists.', { field: 'email' });
  };
  const assertReferenceKeyFree = (key: string | null | undefined, self?: ScayleCustomer) => {
    const other = key ? store.byReferenceKey(key) : undefined;
    if (other && other !== self)
      fail(409, ERROR_KEYS.referenceKeyTaken, 'The reference key is already assigned.', { field: 'referenceKey' });
  };
  const assertAddressKeyFree = (customer: ScayleCustomer, key: string | null | undefined, self?: ScayleAddress) => {
    const other = key ? customer.addresses.find((a) => a.referenceKey === key) : undefined;
    if (other && other !== self)
      fail(409, ERROR_KEYS.referenceKeyTaken, 'The address reference key is already assigned.', {
        field: 'referenceKey',
      });
  };
  const touch = (customer: ScayleCustomer) => {
    customer.updatedAt = scayleNow();
  };
  /** One default billing and one default shipping address per customer. */
  const settleDefaults = (customer: ScayleCustomer, address: ScayleAddress) => {
    for (const other of customer.addresses) {
      if (other === address) continue;
      if (address.isDefault.billing) other.isDefault.billing = false;
      if (address.isDefault.shipping) other.isDefault.shipping = false;
    }
    for (const a of customer.addresses) a.type = a.isDefault.billing && !a.isDefault.shipping ? 'billing' : 'shipping';
  };
  /** Applies present keys; null clears. */
  const assign = (target: Record<string, unknown>, patch: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) target[key] = value;
  };
  const answerAddress = (c: Context, address: ScayleAddress, status: 200 | 201 = 200) =>
    c.json(presentAddress(address, c, shopKey), status);

  return {
    store,
    shopKey,
    findCustomer,
    findAddress,
    assertEmailFree,
    assertReferenceKeyFree,
    assertAddressKeyFree,
    touch,
    settleDefaults,
    assign,
    answerAddress,
  };
}

export type ScayleResources = ReturnType<typeof scayleResources>;
