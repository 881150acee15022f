import { GatewayError, isGatewayError } from './errors.js';
import type { AdapterMethod, CallContext, CustomerAdapter } from './types.js';

const METHODS: AdapterMethod[] = [
  'listCustomers', 'getCustomer', 'createCustomer', 'updateCustomer', 'deleteCustomer', 'setPassword',
  'listAddresses', 'getAddress', 'createAddress', 'updateAddress', 'deleteAddress', 'authenticateShopper',
];

/**
 * Wraps an adapter so every call is timed in the logs and nothing but a GatewayError leaves it:
 * a bug inside an adapter becomes `internal` (logged with its stack), not an unshaped throw.
 */
export function instrumentAdapter(adapter: CustomerAdapter): CustomerAdapter {
  const wrapped = { backend: adapter.backend, capabilities: adapter.capabilities } as CustomerAdapter;
  for (const method of METHODS) {
    if (typeof adapter[method] !== 'function') continue; // optional methods stay absent
    const original = adapter[method].bind(adapter) as (...args: unknown[]) => Promise<unknown>;
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
