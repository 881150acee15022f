import { isGatewayError } from './errors.js';
import type { CallContext, CustomerAdapter, ProbeProblem, ProbeResult } from './types.js';

/**
 * An id no platform hands out in practice, yet well-formed for every one of them (numeric, 15
 * digits), so the adapter really asks the platform instead of refusing it locally.
 */
export const PROBE_CUSTOMER_ID = '987654321098765';

/**
 * Does this backend work as configured? The adapter's own `probe` when it has one; otherwise one
 * cheap authorised call through the canonical methods: a page of one customer where the backend
 * lists (that also proves the shop, site or list exists), else a read of a customer that does not
 * exist (a 404 proves the platform took our credentials). A platform that rate-limits the probe
 * answered, so it counts as working.
 */
export async function probeBackend(adapter: CustomerAdapter, ctx: CallContext): Promise<ProbeResult> {
  if (adapter.probe) return adapter.probe(ctx);
  const listing = adapter.capabilities.listCustomers;
  try {
    if (listing) await adapter.listCustomers!({ limit: 1 }, ctx);
    else await adapter.getCustomer({ kind: 'id', id: PROBE_CUSTOMER_ID }, { expandAddresses: false }, ctx);
    return { ok: true, detail: listing ? 'listed customers' : 'read a customer' };
  } catch (error) {
    if (isGatewayError(error) && error.code === 'not_found' && !listing)
      return { ok: true, detail: 'read a customer (none with the probe id, as expected)' };
    if (isGatewayError(error) && error.code === 'rate_limited')
      return { ok: true, detail: 'answered, but rate limited (credentials not checked this time)' };
    return probeFailure(error);
  }
}

/** A failed call as a probe result: the problem an operator fixes, and the adapter's own message (never a secret). */
export function probeFailure(error: unknown): ProbeResult & { ok: false } {
  if (!isGatewayError(error)) return { ok: false, problem: 'upstream_error', detail: 'the probe failed unexpectedly' };
  const upstreamStatus = error.upstream?.status;
  const result = (problem: ProbeProblem) => ({
    ok: false as const,
    problem,
    detail: error.message,
    ...(upstreamStatus === undefined ? {} : { upstreamStatus }),
  });
  switch (error.code) {
    case 'upstream_unavailable':
      return result(isTlsFailure(error) ? 'tls' : 'unreachable');
    case 'upstream_timeout':
      return result('timeout');
    case 'upstream_auth_failed':
    case 'unauthorized':
      return result('credentials');
    case 'forbidden':
      return result('permission');
    case 'not_found':
      return result('not_found');
    default:
      // A 404 on the collection itself: the shop, site or list in our configuration is unknown.
      return result(upstreamStatus === 404 ? 'not_found' : 'upstream_error');
  }
}

/** Node's TLS errors (certificate, handshake) somewhere in the cause chain. */
function isTlsFailure(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 6; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
