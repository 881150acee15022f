import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import { withCreated } from '../../adapters/support.js';
import type { CallContext, CustomerAdapter, CustomerRef, Versioned } from '../../adapters/types.js';
import type { Address, AddressCreate, Customer, CustomerCreate } from '../../schemas/index.js';
import { stableJson } from '../digest.js';
import { capable } from '../../adapters/unsupported.js';
import { allAddresses, customersWithEmail, sameAddress } from '../routes/recovery.js';

export interface Registration {
  customer: Versioned<Customer>;
  /** An existing guest became this registered customer (same id) instead of a new one being made. */
  converted: boolean;
  /**
   * What a conversion wrote: the guest's fields it changed, the addresses it added and those of the
   * guest it replaced, with what changed in each, and the ids of the guest's addresses it deleted
   * (`GuestConversion.supersedes`; its events name all of these).
   */
  conversion?: { changed: Record<string, unknown>; added: Address[]; replaced: ReplacedAddress[]; removed: string[] };
}

export interface ReplacedAddress {
  address: Address;
  changed: Record<string, unknown>;
}

/** The guest customer holding this email, where the backend can look customers up by email. */
async function guestWithEmail(adapter: CustomerAdapter, email: string, call: CallContext) {
  if (!adapter.capabilities.listCustomers) return undefined;
  return (await customersWithEmail(adapter, email, call)).find((c) => c.status.guest);
}

/** The registration's fields that the guest does not hold yet (or holds otherwise). */
function changedFields(guest: Customer, input: CustomerCreate): Record<string, unknown> {
  const { addresses: _a, password: _p, active: _s, email: _e, ...fields } = input;
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([key, value]) => value !== undefined && stableJson(value) !== stableJson(guest[key as keyof Customer]),
    ),
  );
}

/**
 * Parts of a guest's postal address that a registration's address replacing it clears when it
 * leaves them out (an old line2 under a new street would be a wrong address). Its name, company and
 * phone are kept: on Open2b those of the billing address are the customer's own, which the
 * registration sets (or leaves) through its profile fields.
 */
const POSTAL_PARTS = ['line2', 'street', 'houseNumber', 'postBox', 'suite', 'stateCode', 'collectionPoint'] as const;

/** The patch that makes the guest's address `stored` the registration's `given`: the fields that differ. */
function replacementOf(stored: Address, given: AddressCreate): Record<string, unknown> {
  const { id: _id, isDefaultBilling: _b, isDefaultShipping: _s, ...fields } = given;
  const wanted: Record<string, unknown> = { ...fields };
  for (const key of POSTAL_PARTS) if (wanted[key] === undefined && stored[key] !== undefined) wanted[key] = null;
  return Object.fromEntries(
    Object.entries(wanted).filter(
      ([key, value]) => value !== undefined && stableJson(value) !== stableJson(stored[key as keyof Address] ?? null),
    ),
  );
}

/**
 * The guest becomes the registered customer: its status and password on the platform first (a
 * guest that cannot sign in yet is still a guest if that fails), then the rest. The platform's
 * adapter checks the rest before converting, so a value it can never store refuses the
 * registration while the guest is unchanged; what fails after the conversion says so (`created`).
 */
async function convert(
  adapter: CustomerAdapter,
  guest: Customer,
  input: CustomerCreate,
  call: CallContext,
): Promise<Registration> {
  const ref: CustomerRef = { kind: 'id', id: guest.id };
  const patch = changedFields(guest, input);
  const addresses = input.addresses ?? [];
  const registration = { password: input.password, active: input.active, followedBy: { profile: patch, addresses } };
  const platformConversion = await capable(adapter, 'guestConversion')(ref, registration, call);
  const replaces = platformConversion?.replaces ?? [];
  call.log.info({ customerId: guest.id }, 'a guest customer registered: converted in place');
  let step = 'updating its profile';
  const added: Address[] = [];
  const replaced: ReplacedAddress[] = [];
  try {
    if (Object.keys(patch).length > 0) await adapter.updateCustomer(ref, patch, {}, call);
    const held = addresses.length ? await allAddresses(adapter, ref, call) : [];
    for (const [i, address] of addresses.entries()) {
      const slot = held.find((stored) => stored.id === replaces[i]);
      if (slot) {
        const changed = replacementOf(slot, address);
        if (Object.keys(changed).length === 0) continue;
        step = `writing address ${i} as address ${slot.id}`;
        replaced.push({ address: (await adapter.updateAddress(ref, slot.id, changed, {}, call)).value, changed });
        continue;
      }
      if (held.some((stored) => sameAddress(stored, address))) continue;
      step = `adding address ${i}`;
      added.push((await adapter.createAddress(ref, address, call)).value);
    }
    const removed: string[] = [];
    for (const id of platformConversion?.supersedes ?? []) {
      step = `deleting address ${id}, which the registration's addresses supersede`;
      await capable(adapter, 'addressDelete')(ref, id, call);
      removed.push(id);
    }
    step = 'reading it back';
    const customer = await adapter.getCustomer(ref, { expandAddresses: true }, call);
    const active = customer.value.status.active;
    const status = { guest: false, ...(active === guest.status.active ? {} : { active }) };
    return { customer, converted: true, conversion: { changed: { ...patch, status }, added, replaced, removed } };
  } catch (error) {
    throw withCreated(error, { customerId: guest.id, convertedGuest: true }, step);
  }
}

/**
 * POST /customers: a registration. Where the backend converts guests (capability
 * `guestConversion`) and a guest holds the email, that guest becomes the registered customer,
 * keeping its id, addresses and order history. Elsewhere the platform decides; when it refuses
 * the email because a guest holds it, the 409 says so.
 */
export async function registerCustomer(
  adapter: CustomerAdapter,
  input: CustomerCreate,
  call: CallContext,
): Promise<Registration> {
  if (adapter.capabilities.guestConversion) {
    const guest = await guestWithEmail(adapter, input.email, call).catch((error: unknown) => {
      // A spent read budget must not stop a registration (a write): it goes on without the
      // lookup, and where the platform refuses the email the conflict below looks again.
      if (!isGatewayError(error) || error.code !== 'rate_limited') throw error;
      call.log.warn({ backend: adapter.backend }, 'registration without the guest lookup: reads are rate limited');
      return undefined;
    });
    if (guest) return convert(adapter, guest, input, call);
  }
  try {
    return { customer: await adapter.createCustomer(input, call), converted: false };
  } catch (error) {
    if (!isGatewayError(error) || error.code !== 'conflict' || !error.errors?.some((e) => e.path === 'email'))
      throw error;
    // The platform refuses the email: a guest may hold it after all (one made meanwhile, or one
    // an email filter the platform does not honour missed).
    const guest = await guestWithEmail(adapter, input.email, call).catch(() => undefined);
    if (!guest) throw error;
    if (adapter.capabilities.guestConversion) return convert(adapter, guest, input, call);
    throw new GatewayError(
      'conflict',
      `a guest customer (${guest.id}) holds this email, and backend ${adapter.backend} cannot turn guests into registered customers; register with another email, or remove the guest record on the platform first`,
      { errors: [{ path: 'email', message: 'held by a guest customer' }], upstream: error.upstream },
    );
  }
}
