import type { Context } from 'hono';
import type { Address, Customer } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { EventsRuntime } from './index.js';
import { changedPaths, type EventDraft } from './model.js';

/**
 * What the routes call after a write succeeded, before answering: the drafts are built only when
 * events are on (a `ref:` id may cost a lookup), and recorded in the outbox before the answer. It
 * marks the write applied, so a failure from here on leaves its Idempotency-Key to recovery.
 */
export async function emit(
  events: EventsRuntime | undefined,
  c: Context<GatewayEnv>,
  drafts: () => EventDraft[] | Promise<EventDraft[]>,
): Promise<void> {
  c.set('writeApplied', true);
  if (events) await events.record(c, await drafts());
}

/** A registration: the customer, then each address it was created with. */
export const customerCreated = (backend: string, customer: Customer): EventDraft[] => [
  { type: 'customer.created', backend, customerId: customer.id, customer },
  ...(customer.addresses ?? []).map(
    (address): EventDraft => ({
      type: 'customer.address.created',
      backend,
      customerId: customer.id,
      addressId: address.id,
      address,
    }),
  ),
];

/**
 * A guest converted by a registration: what the conversion changed (its fields, the guest status),
 * the password it set, each address of the guest it replaced (a slot platform's) and each it added.
 */
export const conversionEvents = (
  backend: string,
  customer: Customer,
  conversion: {
    changed: object;
    added: Address[];
    replaced: { address: Address; changed: object }[];
    removed: string[];
  },
  input: { password?: string | undefined },
): EventDraft[] => [
  customerUpdated(backend, customer, conversion.changed),
  ...(input.password === undefined
    ? []
    : [{ type: 'customer.password.changed', backend, customerId: customer.id } satisfies EventDraft]),
  ...conversion.replaced.map(({ address, changed }) =>
    addressChanged('customer.address.updated', backend, customer.id, address, changed),
  ),
  ...conversion.added.map((address) => addressChanged('customer.address.created', backend, customer.id, address)),
  ...conversion.removed.map(
    (addressId): EventDraft => ({ type: 'customer.address.deleted', backend, customerId: customer.id, addressId }),
  ),
];

export const customerUpdated = (backend: string, customer: Customer, patch: object): EventDraft => ({
  type: 'customer.updated',
  backend,
  customerId: customer.id,
  changed: changedPaths(patch),
  customer,
});

export const addressChanged = (
  type: 'customer.address.created' | 'customer.address.updated',
  backend: string,
  customerId: string,
  address: Address,
  patch?: { id?: string },
  previousId?: string,
): EventDraft => ({
  type,
  backend,
  customerId,
  addressId: address.id,
  ...(previousId !== undefined && previousId !== address.id ? { previousAddressId: previousId } : {}),
  ...(patch ? { changed: changedPaths(patch) } : {}),
  address,
});
