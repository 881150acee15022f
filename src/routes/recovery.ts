import type { Context } from 'hono';
import { isNotFound } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter, CustomerRef, Versioned } from '../../adapters/types.js';
import { capable } from '../../adapters/unsupported.js';
import type { Address, AddressCreate, Customer, CustomerCreate } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import { KEEP_MS } from '../idempotency/middleware.js';
import type { SharedStore } from '../store/types.js';

/**
 * Recovery of retried writes (same Idempotency-Key) whose first attempt ended without an answer:
 * the platform may have applied it. Before running such a write again, look for its effect, so a
 * lost answer never becomes a duplicate customer or address.
 */

/** Clocks of gateway and platform differ; an effect this much older than the first attempt is not ours. */
const CLOCK_SLACK_MS = 60_000;

/**
 * Created since the first attempt. When the platform does not say, `unknown` decides: a customer is
 * then not adopted (it could be someone's older account), an identical address is (harmless).
 */
const recentEnough = (createdAt: string | undefined, since: number, unknown: boolean) =>
  createdAt === undefined ? unknown : Date.parse(createdAt) >= since - CLOCK_SLACK_MS;

type Scalars = Record<string, string | number | boolean>;
/** The scalars the caller gave (defaults flags aside: later writes move them). */
const scalarsOf = (given: object, ignore: string[] = []): Scalars =>
  Object.fromEntries(
    Object.entries(given).filter(
      ([key, value]) =>
        !ignore.includes(key) && value !== null && ['string', 'number', 'boolean'].includes(typeof value),
    ),
  );

/** The stored record holds each given scalar, or (`partly`) has not received it yet (a later step of the write was lost). */
const carries = (stored: object, given: Scalars, partly = false) =>
  Object.entries(given).every(([key, value]) => {
    const held = (stored as Record<string, unknown>)[key];
    return held === value || (partly && (held === undefined || held === null));
  });

/** The stored address holds every scalar the caller gave (default flags aside). */
export const sameAddress = (stored: Address, given: AddressCreate) =>
  carries(stored, scalarsOf(given, ['isDefaultBilling', 'isDefaultShipping']));

/**
 * The customers holding this email, case aside: the platform's email filter may match more (a
 * prefix, a substring), so only exact matches are kept. A 501 where the backend cannot list.
 */
export async function customersWithEmail(
  adapter: CustomerAdapter,
  email: string,
  call: CallContext,
  limit = 5,
): Promise<Customer[]> {
  const page = await capable(adapter, 'listCustomers')({ email, limit }, call);
  const wanted = email.toLowerCase();
  return page.items.filter((c) => c.email.toLowerCase() === wanted);
}

/** Every address of the customer, page after page. */
export async function allAddresses(adapter: CustomerAdapter, ref: CustomerRef, call: CallContext): Promise<Address[]> {
  const addresses: Address[] = [];
  let position: unknown;
  do {
    const page = await adapter.listAddresses(ref, { limit: 100, position }, call);
    addresses.push(...page.items);
    position = page.next;
  } while (position !== null && position !== undefined);
  return addresses;
}

/**
 * The customer an earlier attempt of this registration created (same email, the given names,
 * created since the attempt), completed with the steps that attempt may not have reached
 * (password, missing addresses, deactivation). Undefined when there is none or the backend cannot
 * look customers up by email: the create then runs again (the platform refuses a duplicate email).
 */
export async function recoverCustomerCreate(
  adapter: CustomerAdapter,
  input: CustomerCreate,
  call: CallContext,
  since: number,
): Promise<Versioned<Customer> | undefined> {
  if (!adapter.capabilities.listCustomers) return undefined;
  const holders = await customersWithEmail(adapter, input.email, call);
  const { addresses: _a, password: _p, active: _s, ...profile } = input;
  const fields = scalarsOf(profile, ['email']);
  const found = holders.find((c) => carries(c, fields, true) && recentEnough(c.createdAt, since, false));
  if (!found) return undefined;
  call.log.info({ customerId: found.id }, 'recovered a registration an earlier attempt applied');
  const ref: CustomerRef = { kind: 'id', id: found.id };
  const missing = Object.fromEntries(
    Object.entries(fields).filter(([key]) => !carries(found, { [key]: fields[key]! })),
  );
  if (Object.keys(missing).length > 0) await adapter.updateCustomer(ref, missing, {}, call);
  if (input.password !== undefined) await capable(adapter, 'passwordChange')(ref, { password: input.password }, call);
  const existing = input.addresses?.length ? await allAddresses(adapter, ref, call) : [];
  for (const address of input.addresses ?? []) {
    if (!existing.some((stored) => sameAddress(stored, address))) await adapter.createAddress(ref, address, call);
  }
  if (input.active === false && found.status.active) await adapter.updateCustomer(ref, { active: false }, {}, call);
  return adapter.getCustomer(ref, { expandAddresses: Boolean(input.addresses?.length) }, call);
}

/** The address an earlier attempt of this create added, if the customer holds one just like it. */
export async function recoverAddressCreate(
  adapter: CustomerAdapter,
  ref: CustomerRef,
  input: AddressCreate,
  call: CallContext,
  since: number,
): Promise<Versioned<Address> | undefined> {
  const found = (await allAddresses(adapter, ref, call)).find(
    (stored) => sameAddress(stored, input) && recentEnough(stored.createdAt, since, true),
  );
  if (!found) return undefined;
  call.log.info({ addressId: found.id }, 'recovered an address an earlier attempt added');
  return adapter.getAddress(ref, found.id, call);
}

/** `undefined` for a not_found failure; any other failure is thrown on. */
const unlessNotFound = (error: unknown): undefined => {
  if (isNotFound(error)) return undefined;
  throw error;
};

/**
 * The native id of the customer a DELETE is about to remove (the sessions to end and the event
 * name it), `undefined` when there is none. A `ref:` is resolved before the delete; a retry
 * recovering a lost answer finds nothing under the ref any more, so the id is noted beside the
 * Idempotency-Key (the id only, kept as long as the key's record) for that retry to read.
 */
export async function idBeforeDelete(
  c: Context<GatewayEnv>,
  store: SharedStore,
  ref: CustomerRef,
): Promise<string | undefined> {
  if (ref.kind === 'id') return ref.id;
  const note = deleteNote(c);
  const found = await c
    .get('adapter')
    .getCustomer(ref, { expandAddresses: false }, c.get('call'))
    .then((customer) => customer.value.id, unlessNotFound);
  if (found === undefined) return note !== undefined && c.get('recovering') ? store.get(note) : undefined;
  if (note !== undefined) await store.set(note, found, KEEP_MS);
  return found;
}

/** Once the delete's sessions and event are recorded, no retry needs the note: it goes (a customer's id, under a key). */
export async function forgetDeleteNote(c: Context<GatewayEnv>, store: SharedStore, ref: CustomerRef): Promise<void> {
  const note = ref.kind === 'externalRef' ? deleteNote(c) : undefined;
  if (note !== undefined) await store.delete(note);
}

const deleteNote = (c: Context<GatewayEnv>) => {
  const key = c.get('idempotencyKey');
  return key === undefined ? undefined : `${key}:deleting`;
};

/**
 * A DELETE that finds nothing to delete after an earlier attempt may have applied it: the retry of
 * an Idempotency-Key whose outcome was unknown (`recovering`), or the upstream client's own retry
 * after an attempt of this delete lost its answer. Either way the customer (or address) is gone
 * through this request: answered as deleted, not as 404.
 */
export async function deleteOrRecover(
  recovering: boolean,
  call: CallContext,
  remove: () => Promise<void>,
): Promise<void> {
  const lostBefore = call.lostDeleteAnswers ?? 0;
  try {
    await remove();
  } catch (error) {
    const ownRetry = (call.lostDeleteAnswers ?? 0) > lostBefore;
    if (!((recovering || ownRetry) && isNotFound(error))) throw error;
  }
}
