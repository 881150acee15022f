import { GatewayError } from '../../adapters/errors.js';
import {
  CustomerCreateSchema,
  type Address,
  type AddressCreateInput,
  type Customer,
  type CustomerCreate,
} from '../../schemas/index.js';
import { cleanLegacyText } from './clean.js';
import { omitFields } from './omit.js';

/** Fields of a customer that only the backend sets: never sent to the target. */
export const READ_ONLY_CUSTOMER_FIELDS = [
  'id',
  'customerNo',
  'status',
  'hasPassword',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
] as const;

/**
 * The reference that makes re-runs idempotent: the source's own externalRef where it has one (so
 * the customer keeps the id other systems know it by), else `<sourceBackend>:<sourceId>`.
 */
export function migrationRef(customer: Pick<Customer, 'id' | 'externalRef'>, sourceBackend: string): string {
  return customer.externalRef ?? `${sourceBackend}:${customer.id}`;
}

/** The source id in a reference `migrationRef` made up (`<sourceBackend>:<sourceId>`); undefined for any other. */
export function sourceIdOfRef(ref: string | undefined, sourceBackend: string): string | undefined {
  const prefix = `${sourceBackend}:`;
  return ref?.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}

export interface MappingOptions {
  sourceBackend: string;
  /** The target names its addresses (capability addressRename): keep the source's names. */
  keepAddressIds: boolean;
  /** Fields to leave out (see omit.ts); only what the operator asked for. */
  omit?: string[];
  /** Create every customer inactive (targets such as Open2b let only customers with a password log in). */
  createInactive?: boolean;
}

export interface MappedCustomer {
  input: CustomerCreate;
  /** What this customer loses in the move, for the report. */
  notes: string[];
}

function toAddressCreate(address: Address, keepId: boolean): AddressCreateInput {
  const { id, createdAt: _createdAt, updatedAt: _updatedAt, ...writable } = address;
  return keepId ? { id, ...writable } : writable;
}

/**
 * A customer as read from the source (with addresses) → what the target's createCustomer takes.
 * Checked against the canonical create schema, so a value the canonical API would refuse is a
 * validation failure naming the field here, before the target is touched.
 */
export function toCustomerCreate(customer: Customer, options: MappingOptions): MappedCustomer {
  const {
    id: _id,
    customerNo: _no,
    status,
    hasPassword: _pw,
    createdAt: _c,
    updatedAt: _u,
    lastLoginAt: _l,
    addresses,
    externalRef: _ref,
    migration: _migration,
    ...writable
  } = customer;
  const notes: string[] = [];
  if (status.guest) notes.push('guest on the source: created as a registered customer without a password');
  if (addresses?.length && !options.keepAddressIds) {
    notes.push(`address ids (${addresses.map((a) => a.id).join(', ')}) are not kept: the target assigns its own`);
  }
  if (options.createInactive && status.active)
    notes.push('created inactive (active on the source): activate it once the customer has set a password');
  const { input, omitted } = omitFields(
    {
      ...writable,
      externalRef: migrationRef(customer, options.sourceBackend),
      active: options.createInactive ? false : status.active,
      ...(addresses?.length ? { addresses: addresses.map((a) => toAddressCreate(a, options.keepAddressIds)) } : {}),
    },
    options.omit ?? [],
  );
  if (omitted.length) notes.push(`left out as asked: ${omitted.join(', ')}`);
  const { input: clean, cleaned } = cleanLegacyText(input);
  if (cleaned.length) notes.push(`cleaned for the canonical API: ${cleaned.join(', ')}`);
  const parsed = CustomerCreateSchema.safeParse(clean);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(root)',
      message: issue.message,
    }));
    throw new GatewayError(
      'validation_failed',
      `the source customer cannot be written through the canonical API: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
  return { input: parsed.data, notes };
}
