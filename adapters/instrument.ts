import { GatewayError, isGatewayError } from './errors.js';
import type { AdapterMethod, CallContext, CustomerAdapter } from './types.js';

/**
 * Every adapter method, as the keys of an object the compiler checks against CustomerAdapter:
 * a method added to the interface and missing here (or listed here and not there) fails tsc.
 */
const INSTRUMENTED = {
  listCustomers: true, getCustomer: true, createCustomer: true, updateCustomer: true, deleteCustomer: true, setPassword: true,
  listAddresses: true, getAddress: true, createAddress: true, updateAddress: true, deleteAddress: true,
  authenticateShopper: true, importPasswordHash: true,
} as const satisfies Record<AdapterMethod, true>;
const METHODS = Object.keys(INSTRUMENTED) as AdapterMethod[];

/**
 * Wraps an adapter so every call is timed in the logs and nothing but a GatewayError leaves it:
 * a bug inside an adapter becomes `internal` (logged with its stack), not an unshaped throw.
 */
export function instrumentAdapter(adapter: CustomerAdapter): CustomerAdapter {
  const wrapped = { backend: adapter.backend, capabilities: adapter.capabilities, capabilityHints: adapter.capabilityHints } as CustomerAdapter;
  for (const method of METHODS) {
    // Optional methods an adapter does not offer stay absent on the wrapper too.
    if (typeof adapter[method] !== 'function') continue;
    const original = (adapter[method] as (...args: unknown[]) => Promise<unknown>).bind(adapter);
    (wrapped as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const ctx = args[args.length - 1] as CallContext;
      const started = performance.now();
      try {
        const result = await original(...args);
        ctx.log.info({ backend: adapter.backend, op: method, ms: elapsed(started), outcome: 'ok' }, 'adapter call');
        return result;
      } catch (error) {
        const gatewayError = isGatewayError(error)
          ? error
          : new GatewayError('internal', `unexpected failure in the ${adapter.backend} adapter`, { cause: error });
        ctx.log[gatewayError.status >= 500 ? 'error' : 'info'](
          {
            backend: adapter.backend,
            op: method,
            ms: elapsed(started),
            outcome: gatewayError.code,
            upstream: gatewayError.upstream,
            ...(isGatewayError(error) ? {} : { err: describe(error) }),
          },
          'adapter call failed',
        );
        throw gatewayError;
      }
    };
  }
  return wrapped;
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

function describe(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
}
