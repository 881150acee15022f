import type { Address, Customer } from '../../schemas/index.js';
import { compact } from '../support.js';
import { shopTimeToIso } from './time.js';
import type { CustomerWire, ShippingAddressWire } from './upstream.js';

/** Open2b's two address slots, which are also the canonical address ids. */
export const SLOTS = ['billing', 'shipping'] as const;
export type Slot = (typeof SLOTS)[number];
export const isSlot = (id: string): id is Slot => (SLOTS as readonly string[]).includes(id);

/** Open2b keeps empty strings for "none"; the canonical model leaves the field out. */
/** A stored string, or undefined for Open2b's empty one. */
export const present = (value: string | null | undefined) => (value ? value : undefined);

/**
 * The shipping slot keeps one recipient `name`; we read its last word as lastName and the rest as
 * firstName (lossy for multi-word surnames: "Dick van Dyke" → firstName "Dick van"). fullName
 * carries the name as stored.
 */
export function splitName(name: string): { firstName?: string; lastName: string } {
  const trimmed = name.trim();
  const at = trimmed.lastIndexOf(' ');
  return at < 0 ? { lastName: trimmed } : { firstName: trimmed.slice(0, at).trim(), lastName: trimmed.slice(at + 1) };
}

/** The billing slot: the customer's own name, company and phone, plus the postal fields. */
export function fromOpen2bBilling(c: CustomerWire): Address {
  const b = c.billingAddress;
  return compact({
    id: 'billing',
    firstName: present(b.firstName),
    lastName: b.lastName,
    companyName: present(b.companyName),
    line1: b.street1,
    line2: present(b.street2),
    city: b.city,
    postalCode: b.postalCode,
    stateCode: present(b.stateProv),
    countryCode: b.country,
    phone: present(b.phoneNumber),
    isDefaultBilling: true,
    // Without a shipping address Open2b ships to the billing one.
    isDefaultShipping: c.shippingAddress === null,
  });
}

export function fromOpen2bShipping(s: ShippingAddressWire): Address {
  return compact({
    id: 'shipping',
    ...splitName(s.name),
    fullName: present(s.name),
    line1: s.street1,
    line2: present(s.street2),
    city: s.city,
    postalCode: s.postalCode,
    stateCode: present(s.stateProv),
    countryCode: s.country,
    isDefaultBilling: false,
    isDefaultShipping: true,
  });
}

/** Billing first, then shipping: the order lists and pages use. */
export function addressesOf(c: CustomerWire): Address[] {
  return c.shippingAddress ? [fromOpen2bBilling(c), fromOpen2bShipping(c.shippingAddress)] : [fromOpen2bBilling(c)];
}

export function addressOf(c: CustomerWire, slot: Slot): Address | undefined {
  if (slot === 'billing') return fromOpen2bBilling(c);
  return c.shippingAddress ? fromOpen2bShipping(c.shippingAddress) : undefined;
}

/**
 * Open2b has no guest flag: a customer without a password that cannot log in is what a checkout
 * without registration leaves behind, so that is a guest. (A deactivated customer keeps its password.)
 */
export const isOpen2bGuest = (c: Pick<CustomerWire, 'canLogin' | 'hasPassword'>) => !c.canLogin && !c.hasPassword;

export function fromOpen2bCustomer(c: CustomerWire, zone: string, withAddresses: boolean): Customer {
  const b = c.billingAddress;
  const phones = compact({
    primary: present(b.phoneNumber),
    mobile: present(b.mobileNumber),
    fax: present(b.faxNumber),
  });
  return compact({
    id: String(c.id),
    externalRef: present(c.code),
    email: b.email,
    firstName: present(b.firstName),
    lastName: present(b.lastName),
    companyName: present(b.companyName),
    phones: Object.keys(phones).length > 0 ? phones : undefined,
    status: { active: c.canLogin, guest: isOpen2bGuest(c) },
    groups: [String(c.group)],
    hasPassword: c.hasPassword,
    createdAt: shopTimeToIso(c.creationTime, zone),
    updatedAt: shopTimeToIso(c.updateTime, zone),
    lastLoginAt: shopTimeToIso(c.loginTime, zone),
    addresses: withAddresses ? addressesOf(c) : undefined,
  });
}
