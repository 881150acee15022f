import { GatewayError, isGatewayError } from './errors.js';
import { renameVariables } from './variables.js';
import type { AdapterMethod, CallContext, CustomerAdapter } from './types.js';
import { capabilityMismatches } from './unsupported.js';

/** What else watches every call of a backend (traces and metrics, src/telemetry/observe.ts). */
export interface CallObserver {
  /** Runs the call: within it, upstream attempts know the operation they serve. */
  around?<T>(method: AdapterMethod, run: () => Promise<T>): Promise<T>;
  /** Each call's duration and outcome (`ok`, or the error code it ended with). */
  ended?(method: AdapterMethod, seconds: number, outcome: string): void;
}

/**
 * Every adapter method, as the keys of an object the compiler checks against CustomerAdapter:
 * a method added to the interface and missing here (or listed here and not there) fails tsc.
 */
const INSTRUMENTED = {
  listCustomers: true,
  getCustomer: true,
  createCustomer: true,
  updateCustomer: true,
  deleteCustomer: true,
  setPassword: true,
  listAddresses: true,
  getAddress: true,
  createAddress: true,
  updateAddress: true,
  deleteAddress: true,
  authenticateShopper: true,
  importPasswordHash: true,
  probe: true,
  convertGuest: true,
  eraseCustomer: true,
  canonicalId: true,
} as const satisfies Record<AdapterMethod, true>;
/** Every method an adapter may have (wrappers of adapters go over these). */
const ADAPTER_METHODS = Object.keys(INSTRUMENTED) as AdapterMethod[];

/**
 * Wraps an adapter so every call is timed in the logs (on the request's access line when the
 * context records calls, else a line per call; a failure always gets its own line) and nothing
 * but a GatewayError leaves it: a bug inside an adapter becomes `internal` (logged with its
 * stack), not an unshaped throw. An adapter whose capability flags and methods disagree is
 * refused (adapters/unsupported.ts): the gateway does not start with it.
 */
export function instrumentAdapter(
  adapter: CustomerAdapter,
  /** The BACKENDS entry it serves: an instance (`brand-a` of `scayle`) is named so in logs and errors. */
  entry: { name: string; platform: string } = { name: adapter.backend, platform: adapter.backend },
  /** Traces and metrics of each call, given once per backend (src/telemetry/observe.ts). */
  observer: CallObserver = {},
): CustomerAdapter {
  const mismatches = capabilityMismatches(adapter);
  if (mismatches.length > 0)
    throw new Error(`the ${entry.name} adapter says two things about what it can do: ${mismatches.join('; ')}`);
  const wrapped = {
    backend: entry.name,
    platform: entry.platform,
    capabilities: adapter.capabilities,
    capabilityHints: adapter.capabilityHints,
  } as CustomerAdapter;
  const backend = entry.name;
  // An instance's settings are its own variables (BRAND_A_SHOP_KEY): an error naming SCAYLE_SHOP_KEY says so.
  const renamed = (error: GatewayError) =>
    entry.name === entry.platform ? error : withDetail(error, renameVariables(error.message, entry));
  for (const method of ADAPTER_METHODS) {
    // Optional methods an adapter does not offer stay absent on the wrapper too.
    if (typeof adapter[method] !== 'function') continue;
    const bound = (adapter[method] as (...args: unknown[]) => Promise<unknown>).bind(adapter);
    const { around, ended } = observer;
    const original = around ? (...args: unknown[]) => around(method, () => bound(...args)) : bound;
    (wrapped as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const ctx = args[args.length - 1] as CallContext;
      const started = performance.now();
      try {
        const result = await original(...args);
        ended?.(method, (performance.now() - started) / 1000, 'ok');
        const ms = elapsed(started);
        // The gateway's contexts put successful calls on the request's access line (one line per
        // request at info); a context without that logs each call.
        if (ctx.recordCall) {
          ctx.recordCall(method, ms);
          ctx.log.debug({ backend, op: method, ms, outcome: 'ok' }, 'adapter call');
        } else ctx.log.info({ backend, op: method, ms, outcome: 'ok' }, 'adapter call');
        return result;
      } catch (error) {
        const gatewayError = isGatewayError(error)
          ? renamed(error)
          : new GatewayError('internal', `unexpected failure in the ${backend} adapter`, { cause: error });
        ended?.(method, (performance.now() - started) / 1000, gatewayError.code);
        ctx.log[gatewayError.status >= 500 ? 'error' : 'info'](
          {
            backend,
            op: method,
            ms: elapsed(started),
            outcome: gatewayError.code,
            upstream: gatewayError.upstream,
            ...(isGatewayError(error) ? {} : { err: describeError(error) }),
          },
          'adapter call failed',
        );
        throw gatewayError;
      }
    };
  }
  return wrapped;
}

/** The same error with another detail (GatewayError's fields are read-only). */
function withDetail(error: GatewayError, detail: string): GatewayError {
  if (detail === error.message) return error;
  const { errors, upstream, retryAfter, created, cause } = error;
  return new GatewayError(error.code, detail, { errors, upstream, retryAfter, created, cause });
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

/** An error as log fields (`err`): name, message and, unless `withStack` is false, the stack; anything else as its string. */
export function describeError(error: unknown, withStack = true) {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(withStack ? { stack: error.stack } : {}) }
    : { value: String(error) };
}
