import type {
  Address,
  AddressCreate,
  AddressPatch,
  CollectionPoint,
  Customer,
  CustomerCreate,
  CustomerPatch,
} from '../../schemas/index.js';
import { compact, defaultsFirst, FieldErrors } from '../support.js';
import { joinLine, streetPartsFor } from './address-lines.js';
import { BACKEND } from './errors.js';
import { isShortPassword, SCAYLE_LIMITS, SHORT_PASSWORD } from './limits.js';
import { fromScayleGender, orUndefined, toAlpha2, toAlpha3, toScayleGender, toTimestamp } from './values.js';
import type { ScayleAddress, ScayleCustomer } from './upstream.js';

/**
 * Pure translation between the canonical models and SCAYLE's Admin API payloads. Writes that
 * SCAYLE cannot store are refused (validation_failed naming every such field), never dropped.
 */

// ---- reading ----------------------------------------------------------------------------------

function toCollectionPoint(cp: ScayleAddress['collectionPoint']): CollectionPoint | undefined {
  if (!cp) return undefined;
  return compact({
    key: cp.key,
    type: cp.type,
    description: orUndefined(cp.description),
    customerKey: orUndefined(cp.customerKey),
  });
}

export function fromScayleAddress(a: ScayleAddress): Address {
  const countryCode = toAlpha2(a.countryCode);
  const r = a.recipient ?? undefined;
  return compact({
    id: String(a.id),
    externalRef: orUndefined(a.referenceKey),
    firstName: orUndefined(r?.firstName),
    // SCAYLE does not insist on a recipient; the canonical lastName is then absent (docs/backends/scayle.md: lossy).
    lastName: orUndefined(r?.lastName) as string,
    title: orUndefined(r?.title),
    line1: joinLine(a.street, a.houseNumber, countryCode),
    line2: orUndefined(a.additional),
    street: a.street,
    houseNumber: orUndefined(a.houseNumber),
    city: a.city,
    postalCode: a.zipCode,
    stateCode: orUndefined(a.state),
    countryCode,
    phone: orUndefined(a.phone),
    isDefaultBilling: a.isDefault?.billing === true,
    isDefaultShipping: a.isDefault?.shipping === true,
    collectionPoint: toCollectionPoint(a.collectionPoint),
    createdAt: toTimestamp(a.createdAt),
    updatedAt: toTimestamp(a.updatedAt),
  });
}

function toCustom(data: ScayleCustomer['legacyCustomData']): Record<string, unknown> | undefined {
  if (!data || Array.isArray(data) || Object.keys(data).length === 0) return undefined;
  return data;
}

export function fromScayleCustomer(c: ScayleCustomer, withAddresses: boolean): Customer {
  const groups =
    typeof c.groups === 'string'
      ? c.groups
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean)
      : (c.groups ?? []);
  return compact({
    id: String(c.id),
    customerNo: orUndefined(c.publicKey),
    externalRef: orUndefined(c.referenceKey),
    email: c.email,
    firstName: orUndefined(c.firstName),
    lastName: orUndefined(c.lastName),
    title: orUndefined(c.title),
    gender: fromScayleGender(c.gender),
    birthDate: orUndefined(c.birthDate),
    companyName: orUndefined(c.company?.name),
    phones: c.phone ? { primary: c.phone } : undefined,
    status: { active: c.status?.isActive ?? true, guest: c.status?.isGuestCustomer ?? false },
    groups: groups.length ? groups : undefined,
    hasPassword: orUndefined(c.hasPassword),
    createdAt: toTimestamp(c.createdAt),
    updatedAt: toTimestamp(c.updatedAt),
    custom: toCustom(c.legacyCustomData),
    addresses: withAddresses ? defaultsFirst((c.addresses ?? []).map(fromScayleAddress)) : undefined,
  });
}

// ---- writing: customers ----------------------------------------------------------------------

/** Canonical customer fields SCAYLE has no place for, with what to do instead. */
const CUSTOMER_UNSUPPORTED: Record<string, string> = {
  secondName: 'SCAYLE customers have no second name',
  salutation: 'SCAYLE customers have no salutation (gender and title are stored)',
  suffix: 'SCAYLE customers have no name suffix',
  jobTitle: 'SCAYLE customers have no job title',
  companyName: 'SCAYLE assigns companies through its company resource, not by name',
};

/**
 * SCAYLE removes a group by its name in the URL (DELETE …/customer-groups/{group}), and a URL
 * reads "." and ".." as steps up the path: such a name would address the customer itself. It could
 * never be removed, so it is not stored either. (A name with "%" is encoded as "%25…": no step.)
 */
export const isDotSegment = (name: string) => name === '.' || name === '..';
export const DOT_GROUP = 'a SCAYLE group named "." or ".." could not be removed again (its name is a URL path step)';

function unsupportedCustomerFields(input: Partial<CustomerCreate> | CustomerPatch): FieldErrors {
  const errors = new FieldErrors(BACKEND);
  errors.unsupported(input, CUSTOMER_UNSUPPORTED);
  // SCAYLE logs customers in by email: a login other than the email cannot be stored.
  if (input.login !== undefined && input.login !== null && input.login !== input.email) {
    errors.add('login', 'SCAYLE has no separate login; the email is the login');
  }
  for (const kind of ['mobile', 'business', 'fax'] as const) {
    if (input.phones?.[kind] !== undefined)
      errors.add(`phones.${kind}`, 'SCAYLE stores one phone number (phones.primary)');
  }
  for (const [i, group] of (input.groups ?? []).entries()) {
    if (isDotSegment(group)) errors.add(`groups.${i}`, DOT_GROUP);
    else if (group.length > SCAYLE_LIMITS.group)
      errors.add(`groups.${i}`, `SCAYLE takes at most ${SCAYLE_LIMITS.group} characters`);
  }
  return errors;
}

/** Where SCAYLE's customer fields come from in the canonical model, for naming them in errors. */
const CUSTOMER_PATHS: Record<string, string> = { phone: 'phones.primary', referenceKey: 'externalRef' };

/** SCAYLE_LIMITS against a customer body as it would be sent (plus its reference key). */
const checkCustomerLengths = (errors: FieldErrors, body: Record<string, unknown>) =>
  tooLong(errors, body, SCAYLE_LIMITS.customer, (field) => CUSTOMER_PATHS[field] ?? field);

/** Each string of `values` longer than its limit in `limits`, named by `pathOf`. */
function tooLong(
  errors: FieldErrors,
  values: Record<string, unknown> | undefined,
  limits: Readonly<Record<string, number>>,
  pathOf: (field: string) => string,
) {
  for (const [field, max] of Object.entries(limits)) {
    const value = values?.[field];
    if (typeof value === 'string' && value.length > max)
      errors.add(pathOf(field), `SCAYLE takes at most ${max} characters`);
  }
}

/** Body of POST …/customers. Password, status and addresses are separate calls. */
export function toScayleCustomerCreate(input: CustomerCreate): Record<string, unknown> {
  const errors = unsupportedCustomerFields(input);
  if (input.password !== undefined && isShortPassword(input.password)) errors.add('password', SHORT_PASSWORD);
  const body = compact({
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    title: input.title,
    gender: input.gender && toScayleGender(input.gender),
    birthDate: input.birthDate,
    phone: input.phones?.primary,
    referenceKey: input.externalRef,
    groups: input.groups,
    legacyCustomData: input.custom,
  });
  checkCustomerLengths(errors, body);
  errors.throwIfAny();
  return body;
}

/** A canonical PATCH split over SCAYLE's endpoints (PATCH, reference-key, status, groups, custom data). */
export interface ScayleCustomerPatchPlan {
  /** PATCH …/customers/{id}; null clears. */
  body: Record<string, unknown>;
  referenceKey?: string;
  active?: boolean;
  /** The complete new group list. */
  groups?: string[];
  /** The complete new legacy custom data. */
  custom?: Record<string, unknown>;
}

export function toScayleCustomerPatch(patch: CustomerPatch): ScayleCustomerPatchPlan {
  const errors = unsupportedCustomerFields(patch);
  if (patch.externalRef === null) errors.add('externalRef', 'SCAYLE cannot remove a reference key, only replace it');
  const body: Record<string, unknown> = compact({
    email: patch.email,
    firstName: patch.firstName,
    lastName: patch.lastName,
    title: patch.title,
    gender: patch.gender === null ? null : patch.gender && toScayleGender(patch.gender),
    birthDate: patch.birthDate,
    // phones replaces the whole object: without a primary number SCAYLE's phone is cleared.
    phone: patch.phones === undefined ? undefined : (patch.phones?.primary ?? null),
  });
  checkCustomerLengths(errors, { ...body, referenceKey: patch.externalRef });
  errors.throwIfAny();
  return compact({
    body,
    referenceKey: orUndefined(patch.externalRef),
    active: patch.active,
    groups: patch.groups === null ? [] : patch.groups,
    custom: patch.custom === null ? {} : patch.custom,
  });
}

// ---- writing: addresses -----------------------------------------------------------------------

const ADDRESS_UNSUPPORTED: Record<string, string> = {
  fullName: 'SCAYLE stores first and last name only',
  secondName: 'SCAYLE addresses have no second name',
  salutation: 'SCAYLE addresses have no salutation',
  suffix: 'SCAYLE addresses have no name suffix',
  companyName: 'SCAYLE addresses have no company name',
  jobTitle: 'SCAYLE addresses have no job title',
  postBox: 'SCAYLE addresses have no post box (use a collection point or line2)',
  suite: 'SCAYLE addresses have no suite (use line2)',
};

function addressFieldErrors(input: AddressCreate | AddressPatch, prefix: string): FieldErrors {
  const errors = new FieldErrors(BACKEND);
  errors.unsupported(input, ADDRESS_UNSUPPORTED, prefix);
  return errors;
}

/** Where SCAYLE's address fields come from in the canonical model, for naming them in errors. */
const ADDRESS_PATHS: Record<string, string> = {
  referenceKey: 'externalRef',
  additional: 'line2',
  zipCode: 'postalCode',
  state: 'stateCode',
};

/**
 * SCAYLE_LIMITS against an address body as it would be sent. Street and house number are named as
 * the caller sent them: `street`/`houseNumber` when given, else the `line1` they were split from.
 */
function checkAddressLengths(
  errors: FieldErrors,
  body: Record<string, unknown>,
  input: { street?: string | null; houseNumber?: string | null },
  prefix: string,
) {
  const pathOf = (field: string) =>
    (field === 'street' || field === 'houseNumber') && !input[field] ? 'line1' : (ADDRESS_PATHS[field] ?? field);
  tooLong(errors, body, SCAYLE_LIMITS.address, (field) => `${prefix}${pathOf(field)}`);
  tooLong(errors, body.recipient as Record<string, unknown>, SCAYLE_LIMITS.recipient, (field) => `${prefix}${field}`);
  const point = body.collectionPoint as Record<string, unknown> | undefined;
  tooLong(errors, point, SCAYLE_LIMITS.collectionPoint, (field) => `${prefix}collectionPoint.${field}`);
}

const toScayleCollectionPoint = (cp: CollectionPoint) =>
  compact({ key: cp.key, type: cp.type, description: cp.description, customerKey: cp.customerKey });

/** Body of POST …/addresses. `prefix` places field errors (e.g. `addresses.0.`). */
export function toScayleAddressCreate(input: AddressCreate, prefix = ''): Record<string, unknown> {
  const errors = addressFieldErrors(input, prefix);
  if (input.id !== undefined) {
    errors.add(`${prefix}id`, 'SCAYLE numbers addresses itself; name one with externalRef instead');
  }
  const parts = streetPartsFor(input, input.countryCode);
  if ('field' in parts) {
    errors.add(`${prefix}${parts.field}`, parts.message);
    errors.throwIfAny();
  }
  const { street, houseNumber } = parts as { street: string; houseNumber: string | null };
  const body = compact({
    referenceKey: input.externalRef,
    street,
    houseNumber: houseNumber ?? undefined,
    additional: input.line2,
    zipCode: input.postalCode,
    city: input.city,
    countryCode: toAlpha3(input.countryCode),
    state: input.stateCode,
    phone: input.phone,
    isDefault: { billing: input.isDefaultBilling, shipping: input.isDefaultShipping },
    recipient: compact({ firstName: input.firstName, lastName: input.lastName, title: input.title }),
    collectionPoint: input.collectionPoint && toScayleCollectionPoint(input.collectionPoint),
  });
  checkAddressLengths(errors, body, input, prefix);
  errors.throwIfAny();
  return body;
}

export interface ScayleAddressPatchPlan {
  /** PATCH …/addresses/{id}; null clears. */
  body: Record<string, unknown>;
  /** PUT …/addresses/{id}/reference-key. */
  referenceKey?: string;
}

/**
 * A canonical address PATCH against the stored address: street/house number recomputed when any
 * line field changes, the recipient sent whole (so SCAYLE's recipient gender survives).
 */
export function toScayleAddressPatch(patch: AddressPatch, current: ScayleAddress): ScayleAddressPatchPlan {
  const errors = addressFieldErrors(patch, '');
  if (patch.externalRef === null)
    errors.add('externalRef', 'SCAYLE cannot remove an address reference key, only replace it');
  const countryCode = patch.countryCode ?? toAlpha2(current.countryCode);

  let lines: { street?: string; houseNumber?: string | null } = {};
  if (patch.line1 !== undefined) {
    const parts = streetPartsFor(
      { line1: patch.line1, street: patch.street, houseNumber: patch.houseNumber },
      countryCode,
    );
    if ('field' in parts) errors.add(parts.field, parts.message);
    else lines = parts;
  } else if (patch.street !== undefined || patch.houseNumber !== undefined) {
    if (patch.street === null) errors.add('street', 'SCAYLE requires a street; send line1 to replace it');
    lines = compact({ street: patch.street ?? undefined, houseNumber: patch.houseNumber });
  }

  const names = patch.firstName !== undefined || patch.lastName !== undefined || patch.title !== undefined;
  const recipient = names
    ? compact({
        ...(current.recipient ?? {}),
        ...(patch.firstName !== undefined ? { firstName: patch.firstName } : {}),
        ...(patch.lastName !== undefined ? { lastName: patch.lastName } : {}),
        ...(patch.title !== undefined ? { title: patch.title } : {}),
      })
    : undefined;
  const defaults = patch.isDefaultBilling !== undefined || patch.isDefaultShipping !== undefined;

  const plan = compact({
    body: compact({
      ...lines,
      additional: patch.line2,
      zipCode: patch.postalCode,
      city: patch.city,
      countryCode: patch.countryCode && toAlpha3(patch.countryCode),
      state: patch.stateCode,
      phone: patch.phone,
      isDefault: defaults
        ? {
            billing: patch.isDefaultBilling ?? current.isDefault?.billing === true,
            shipping: patch.isDefaultShipping ?? current.isDefault?.shipping === true,
          }
        : undefined,
      recipient,
      collectionPoint:
        patch.collectionPoint === null ? null : patch.collectionPoint && toScayleCollectionPoint(patch.collectionPoint),
    }),
    referenceKey: orUndefined(patch.externalRef),
  });
  checkAddressLengths(errors, { ...plan.body, referenceKey: plan.referenceKey }, patch, '');
  errors.throwIfAny();
  return plan;
}
