import { GatewayError } from '../../adapters/errors.js';
import { createMemoryAdapter, memoryStore } from '../../adapters/memory/index.js';
import type { Capabilities, CustomerAdapter } from '../../adapters/types.js';
import type { CustomerCreateInput } from '../../schemas/index.js';
import { CustomerCreateSchema } from '../../schemas/index.js';
import { testContext } from '../adapters/support.js';
import { CAPABILITY_METHODS } from '../../adapters/unsupported.js';

export const sourceCustomers: CustomerCreateInput[] = [
  {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    externalRef: 'crm-1',
    gender: 'female',
    birthDate: '1815-12-10',
    phones: { primary: '+44 20 7946 0001' },
    groups: ['vip'],
    custom: { origin: 'webshop' },
    password: 'ada-secret-pw-1',
    addresses: [
      {
        id: 'home',
        firstName: 'Ada',
        lastName: 'Lovelace',
        line1: '12 St James Square',
        city: 'London',
        postalCode: 'SW1Y 4JH',
        countryCode: 'GB',
        isDefaultBilling: true,
        isDefaultShipping: true,
      },
      {
        id: 'work',
        lastName: 'Lovelace',
        companyName: 'Analytical Engines',
        line1: '1 Babbage Lane',
        city: 'London',
        postalCode: 'EC1A 1BB',
        countryCode: 'GB',
      },
    ],
  },
  { email: 'max@example.de', firstName: 'Max', lastName: 'Mustermann', active: false },
  {
    email: 'giulia@example.it',
    firstName: 'Giulia',
    lastName: 'Rossi',
    password: 'giulia-secret-pw-2',
    addresses: [
      {
        id: 'casa',
        lastName: 'Rossi',
        line1: 'Via Roma 1',
        city: 'Roma',
        postalCode: '00100',
        countryCode: 'IT',
        isDefaultBilling: true,
      },
    ],
  },
  { email: 'jean@example.fr', lastName: 'Dupont', externalRef: 'crm-4' },
  { email: 'ana@example.es', firstName: 'Ana', lastName: 'García' },
];

/** A memory source filled through its own API (the way a real backend gets its data). */
export async function seededSource(customers: CustomerCreateInput[] = sourceCustomers): Promise<CustomerAdapter> {
  const source = createMemoryAdapter();
  const { ctx } = testContext();
  for (const c of customers) await source.createCustomer(CustomerCreateSchema.parse(c), ctx);
  return source;
}

export const emptyTarget = () => createMemoryAdapter();

/** Target customers as stored, by email (the backdoor, not the adapter's answers). */
export function stored(target: CustomerAdapter) {
  return new Map([...memoryStore(target).records.values()].map((r) => [r.customer.email, r]));
}

/**
 * Wraps an adapter: `overrides` replace methods, `capabilities` are merged in (one set false drops its
 * method). The wrapper is a new
 * object, so `memoryStore(inner)` still reads what really got written.
 */
export function wrap(
  inner: CustomerAdapter,
  overrides: Partial<Omit<CustomerAdapter, 'capabilities'>> & { capabilities?: Partial<Capabilities> } = {},
): CustomerAdapter {
  const { capabilities, ...methods } = overrides;
  const wrapped = Object.create(null) as Record<string, unknown>;
  for (const key of [
    'listCustomers',
    'getCustomer',
    'createCustomer',
    'updateCustomer',
    'deleteCustomer',
    'setPassword',
    'listAddresses',
    'getAddress',
    'createAddress',
    'updateAddress',
    'deleteAddress',
  ] as const) {
    const method = inner[key] as ((...a: unknown[]) => unknown) | undefined;
    if (method) wrapped[key] = method.bind(inner);
  }
  // A capability turned off takes its method with it (the one way to say "cannot", adapters/unsupported.ts).
  for (const [capability, method] of Object.entries(CAPABILITY_METHODS))
    if (capabilities?.[capability as keyof Capabilities] === false) delete wrapped[method];
  return {
    ...(wrapped as unknown as CustomerAdapter),
    backend: inner.backend,
    capabilities: { ...inner.capabilities, ...capabilities },
    capabilityHints: inner.capabilityHints,
    ...methods,
  };
}

/** A target that refuses one email the way an adapter refuses a value it cannot store. */
export function rejectingEmail(inner: CustomerAdapter, email: string): CustomerAdapter {
  return wrap(inner, {
    async createCustomer(input, ctx) {
      if (input.email === email) {
        throw new GatewayError('validation_failed', 'lastName: longer than the 25 characters open2b stores', {
          errors: [{ path: 'lastName', message: 'at most 25 characters' }],
        });
      }
      return inner.createCustomer(input, ctx);
    },
  });
}
