import { classifyTransportFailure } from '../transport/failure.js';
import { type GatewayError, isGatewayError } from './errors.js';
import type { CallContext, CustomerAdapter } from './types.js';
import { type BackendEntry, instanceVariable, renameVariables } from './variables.js';

/**
 * What an adapter's `probe` finds out about its configuration with a few cheap authorised calls:
 * `npm run doctor` prints it, readiness checks can share it. A probe never throws for what it
 * diagnoses; variables are the platform's own names (an instance's caller renames them).
 */
export type ProbeProblem =
  /** DNS, connection refused or reset, no answer in time. */
  | 'unreachable'
  | 'tls'
  | 'credentials'
  /** The shop, site, customer list, organization or store path the configuration names does not exist. */
  | 'unknown-target'
  /** The credentials are good but may not use a resource the gateway needs. */
  | 'permission'
  | 'clock-skew'
  /** The platform answered something the probe cannot place (5xx, unexpected shape). */
  | 'upstream';

export interface ProbeFailure {
  problem: ProbeProblem;
  /** What went wrong, for an operator: never a secret or a configured value. */
  detail: string;
  /** The settings to look at. */
  variables: string[];
}

export interface ProbeResult {
  /** What was checked and worked, in order, e.g. `Account Manager token`, `customer list SiteGenesis`. */
  passed: string[];
  /** The first check that failed (later checks did not run). */
  failure?: ProbeFailure;
}

/** One check: a call, and which settings each kind of refusal points at. */
export interface ProbeStep {
  /** What it checks, e.g. `shop shop-a country DE`. */
  what: string;
  run(): Promise<unknown>;
  /** The variable(s) naming the host it calls (unreachable, TLS). */
  address: string[];
  credentials: string[];
  /** The variables naming what a 404 means is unknown. */
  target?: string[];
  /** What a 403 means for this call, for an operator (else the generic `answered HTTP 403`). */
  forbidden?: string;
  /** The platform's own reading of an error, before the generic one (a 404 that means "all is well", a 403 that is about the key). */
  diagnose?(error: GatewayError): ProbeFailure | 'passed' | undefined;
}

/** What the platform answered (the doctor names the settings itself, so the adapter's own hints are left out). */
const answered = (error: GatewayError) =>
  error.upstream?.status
    ? `answered HTTP ${error.upstream.status}${error.upstream.code ? ` ${error.upstream.code}` : ''}`
    : error.message;

/** The generic reading of a failed step: the transport first, then the HTTP status the platform answered. */
function diagnose(step: ProbeStep, error: unknown): ProbeFailure {
  const transport = classifyTransportFailure(error);
  if (transport && (!isGatewayError(error) || error.upstream === undefined))
    return {
      problem: transport.kind === 'tls' ? 'tls' : 'unreachable',
      detail: `${step.what}: ${transport.detail}`,
      variables: step.address,
    };
  if (!isGatewayError(error)) return { problem: 'upstream', detail: `${step.what}: ${String(error)}`, variables: [] };
  if (error.code === 'upstream_timeout' || error.code === 'upstream_unavailable')
    if (error.upstream === undefined)
      return { problem: 'unreachable', detail: `${step.what}: ${error.message}`, variables: step.address };
  const status = error.upstream?.status;
  if (status === 403)
    return {
      problem: 'permission',
      detail: step.forbidden ?? `${step.what}: ${answered(error)}`,
      variables: step.credentials,
    };
  if (status === 401 || error.code === 'upstream_auth_failed')
    return { problem: 'credentials', detail: `${step.what}: ${answered(error)}`, variables: step.credentials };
  if (status === 404 && step.target)
    return { problem: 'unknown-target', detail: `${step.what}: ${answered(error)}`, variables: step.target };
  return { problem: 'upstream', detail: `${step.what}: ${error.message} (${answered(error)})`, variables: [] };
}

/** A failure with an instance's own variable names (BRAND_A_SHOP_KEY), in its detail too, each variable once. */
export function asInstanceFailure(failure: ProbeFailure, entry: BackendEntry): ProbeFailure {
  return {
    problem: failure.problem,
    detail: renameVariables(failure.detail, entry),
    variables: [...new Set(failure.variables.map((v) => instanceVariable(v, entry)))],
  };
}

/** Runs the steps in order and stops at the first failure. */
export async function runProbe(steps: ProbeStep[]): Promise<ProbeResult> {
  const passed: string[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      const own = isGatewayError(error) ? step.diagnose?.(error) : undefined;
      // A platform that answers 429 (or the fleet's own budget for it, spent) is busy, not broken:
      // a busy hour must not take every instance out of rotation at once.
      const busy = isGatewayError(error) && error.code === 'rate_limited';
      if (own !== 'passed' && !busy) return { passed, failure: own ?? diagnose(step, error) };
    }
    passed.push(step.what);
  }
  return { passed };
}

/**
 * An id no platform hands out in practice, yet well-formed for every one of them (numeric, 15
 * digits), so the adapter really asks the platform instead of refusing it locally.
 */
const PROBE_CUSTOMER_ID = '987654321098765';

/**
 * Does this backend work as configured (/ready)? The adapter's own `probe` when it has one;
 * otherwise one cheap authorised call through the canonical methods (`live`, `memory`): a page of
 * one customer where the backend lists, else a read of a customer that does not exist (a 404
 * proves the platform took our credentials). A platform that rate-limits the probe answered.
 */
export function probeBackend(adapter: CustomerAdapter, ctx: CallContext): Promise<ProbeResult> {
  if (adapter.probe) return adapter.probe(ctx);
  const list = adapter.capabilities.listCustomers ? adapter.listCustomers : undefined;
  return runProbe([
    {
      what: list ? 'listed customers' : 'read a customer',
      run: () =>
        list
          ? list({ limit: 1 }, ctx)
          : adapter.getCustomer({ kind: 'id', id: PROBE_CUSTOMER_ID }, { expandAddresses: false }, ctx),
      address: [],
      credentials: [],
      diagnose: (error) => (error.code === 'not_found' && !list ? 'passed' : undefined),
    },
  ]);
}
