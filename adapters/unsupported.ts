import { GatewayError } from './errors.js';
import type { AdapterMethod, Capabilities, CustomerAdapter } from './types.js';

/**
 * The one way a backend says it cannot do something: its capability flag is false and, where the
 * capability stands for an adapter method, that method is absent (never a method that only
 * throws `not_supported`). Routes answer 501 `not_supported` with `unsupported()`, whose detail
 * names what to do instead: the adapter's `capabilityHints` entry, else the default below.
 */

/** The capabilities that stand for an adapter method: the flag is true exactly when the method is there. */
export const CAPABILITY_METHODS = {
  listCustomers: 'listCustomers',
  customerDelete: 'deleteCustomer',
  addressDelete: 'deleteAddress',
  passwordChange: 'setPassword',
  shopperLogin: 'authenticateShopper',
  guestConversion: 'convertGuest',
  erasure: 'eraseCustomer',
} as const satisfies Partial<Record<keyof Capabilities, AdapterMethod>>;

export type MethodCapability = keyof typeof CAPABILITY_METHODS;

type Flag = Exclude<keyof Capabilities, 'maxAddresses'>;

/** What a backend without the capability cannot do, and what to do instead when it gives no hint. */
const CANNOT: Record<Exclude<Flag, 'totalCount' | 'etag'>, { what: string; instead: string }> = {
  listCustomers: { what: 'list customers', instead: 'read customers by id' },
  customerDelete: { what: 'delete customers', instead: 'deactivate the customer with PATCH {"active": false}' },
  addressDelete: { what: 'delete addresses', instead: 'change the address with PATCH' },
  addressRename: { what: 'rename addresses', instead: 'create a new one instead' },
  externalRefLookup: { what: 'look customers up by externalRef', instead: 'use its native id' },
  passwordChange: { what: 'set passwords', instead: "set it in the platform's own tools" },
  shopperLogin: { what: 'verify shopper passwords', instead: 'sign shoppers in through your identity provider' },
  guestConversion: {
    what: 'turn a guest customer into a registered one',
    instead: 'register with another email, or merge the guest in the platform',
  },
  erasure: { what: 'erase customers', instead: "erase the customer in the platform's own tools" },
  listByUpdatedSince: {
    what: 'list customers by change time',
    instead: 'read customers by id, or keep change times in your own system',
  },
};

/** The 501 for a capability this backend lacks, naming what to do instead. */
export function unsupported(
  adapter: Pick<CustomerAdapter, 'backend' | 'capabilityHints'>,
  capability: keyof typeof CANNOT,
  options: { field?: string } = {},
): GatewayError {
  const { what, instead } = CANNOT[capability];
  const hint = adapter.capabilityHints?.[capability] ?? instead;
  return new GatewayError('not_supported', `backend ${adapter.backend} cannot ${what}: ${hint}`, {
    errors: options.field ? [{ path: options.field, message: 'cannot be changed on this backend' }] : undefined,
  });
}

/** The method a capability stands for, bound to its adapter; a 501 naming the alternative when the backend lacks it. */
export function capable<C extends MethodCapability>(
  adapter: CustomerAdapter,
  capability: C,
): NonNullable<CustomerAdapter[(typeof CAPABILITY_METHODS)[C]]> {
  const method = adapter[CAPABILITY_METHODS[capability]];
  if (typeof method !== 'function') throw unsupported(adapter, capability);
  return method.bind(adapter) as NonNullable<CustomerAdapter[(typeof CAPABILITY_METHODS)[C]]>;
}

/**
 * Where flag and method disagree (a flag true without its method, or a method kept for a false
 * flag), or a missing capability has no hint: one line each. `instrumentAdapter` refuses an
 * adapter with any, so the gateway does not start with a backend that says two things.
 */
export function capabilityMismatches(adapter: CustomerAdapter): string[] {
  const problems: string[] = [];
  for (const [capability, name] of Object.entries(CAPABILITY_METHODS) as [MethodCapability, AdapterMethod][]) {
    const flag = adapter.capabilities[capability];
    const present = typeof adapter[name] === 'function';
    if (flag && !present) problems.push(`${capability} is true but ${name} is absent`);
    if (!flag && present) problems.push(`${capability} is false but ${name} is there`);
    if (!flag && !adapter.capabilityHints?.[capability])
      problems.push(`${capability} is false and capabilityHints.${capability} does not say what to do instead`);
  }
  return problems;
}
