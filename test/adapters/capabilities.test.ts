import { describe, expect, it } from 'vitest';
import { instrumentAdapter } from '../../adapters/instrument.js';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import { backendDefinitions } from '../../adapters/registry.js';
import type { CustomerAdapter } from '../../adapters/types.js';
import { capabilityMismatches, type MethodCapability } from '../../adapters/unsupported.js';
import { EMBEDDED_ORIGIN } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { buildGateway } from '../conformance/harness.js';
import { silentLog } from './support.js';

/**
 * One way to say "cannot" (adapters/unsupported.ts): a capability's flag is false exactly when its
 * adapter method is absent, and then the adapter says what to do instead. Checked for every
 * registered backend (a new one is covered by registering it), in each configuration that turns a
 * capability on or off, and through the routes: a 501 naming the alternative, before any upstream call.
 */
const unreachable: typeof fetch = async () => {
  throw new Error('no upstream call is expected');
};

/** Each registered backend as the embedded emulator configures it, plus the configurations that change capabilities. */
const configurations = Object.values(backendDefinitions).flatMap((definition) => {
  const env = embeddedEmulators[definition.name]?.({ seed: false }).connectionEnv(EMBEDDED_ORIGIN) ?? {};
  const variants: [string, Record<string, string>][] = [[definition.name, env]];
  if (definition.name === 'sfcc') {
    const { SFCC_DATA_BASE_URL: _url, SFCC_CUSTOMER_LIST: _list, ...withoutDataApi } = env;
    variants.push(['sfcc without the Data API', withoutDataApi]);
  }
  return variants.map(([label, variables]) => ({
    label,
    backend: definition.name,
    env: variables,
    adapter: definition.create(definition.parseOptions(variables), { fetch: unreachable, log: silentLog }),
  }));
});

/**
 * The route that needs each method, answered 501 when the backend lacks it. (Without
 * guestConversion a registration is still made: the platform's 409 says why, see accounts.ts.)
 */
const ROUTES: Record<Exclude<MethodCapability, 'guestConversion'>, [method: string, path: string, body?: unknown]> = {
  listCustomers: ['GET', '/customers'],
  customerDelete: ['DELETE', '/customers/4711'],
  addressDelete: ['DELETE', '/customers/4711/addresses/1'],
  passwordChange: ['PUT', '/customers/4711/password', { password: 'N3w!Passw0rd-1' }],
  shopperLogin: ['POST', '/auth/login', { email: 'jane@example.com', password: 'S3cret-Passw0rd' }],
  erasure: ['POST', '/customers/4711/erase', {}],
};

const lacking = (adapter: CustomerAdapter) =>
  (Object.keys(ROUTES) as (keyof typeof ROUTES)[]).filter((c) => !adapter.capabilities[c]);

describe.each(configurations)('$label', ({ adapter }) => {
  it('has each method a capability stands for exactly when the flag is true, and a hint for each it lacks', () => {
    expect(capabilityMismatches(adapter)).toEqual([]);
  });
});

describe.each(configurations.filter((c) => lacking(c.adapter).length > 0))('$label', ({ backend, env, adapter }) => {
  it(`answers 501 naming what to do instead, before any upstream call: ${lacking(adapter).join(', ')}`, async () => {
    const gw = buildGateway(backend, { BACKENDS: backend, ...env });
    for (const capability of lacking(adapter)) {
      const [method, path, body] = ROUTES[capability];
      const res = await gw.call(method, path, body);
      expect(res.status, `${capability}: ${JSON.stringify(res.body)}`).toBe(501);
      expect(res.body.code).toBe('not_supported');
      expect(res.body.detail).toContain(adapter.capabilityHints![capability]);
    }
  });
});

describe('instrumentAdapter', () => {
  const memory = createMemoryAdapter();
  const refusal = (adapter: CustomerAdapter) => {
    try {
      instrumentAdapter(adapter);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('refuses an adapter that keeps a method for a capability it says it lacks (a method that only throws)', () => {
    const saysNo = {
      ...memory,
      capabilities: { ...memory.capabilities, customerDelete: false },
      capabilityHints: { customerDelete: 'deactivate it' },
    };
    expect(refusal(saysNo)).toMatch(/memory adapter.*customerDelete is false but deleteCustomer is there/);
  });

  it('refuses an adapter that lacks the method of a capability it claims, or the hint of one it lacks', () => {
    const { setPassword: _set, ...withoutMethod } = memory;
    expect(refusal(withoutMethod)).toMatch(/passwordChange is true but setPassword is absent/);
    const { deleteAddress: _delete, ...withoutHint } = memory;
    expect(refusal({ ...withoutHint, capabilities: { ...memory.capabilities, addressDelete: false } })).toMatch(
      /capabilityHints\.addressDelete/,
    );
    expect(refusal(memory)).toBeUndefined();
  });
});
