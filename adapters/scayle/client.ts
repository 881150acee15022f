import { GatewayError } from '../errors.js';
import { createUpstreamClient, parseUpstream, readJson, type UpstreamSchema } from '../../transport/upstream-client.js';
import type { CallContext, CustomerRef } from '../types.js';
import { BACKEND, toGatewayError, type ErrorScope } from './errors.js';
import type { ScayleOptions } from './options.js';

/** SCAYLE's budget headers → the IETF draft names the gateway answers with. */
const RATE_LIMIT_HEADERS: [upstream: string, ours: string][] = [
  ['x-ratelimit-limit', 'RateLimit-Limit'],
  ['x-ratelimit-remaining', 'RateLimit-Remaining'],
  ['x-ratelimit-reset', 'RateLimit-Reset'],
];

export interface ScayleCall {
  /** Path below …/customers, e.g. `/12/addresses`; '' for the collection. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  what?: string;
  errors: ErrorScope;
}

export interface ScayleClient {
  /** One Admin API call: status → error → parse with `schema` (omitted for calls answered without a body). */
  call<T>(ctx: CallContext, method: string, call: ScayleCall, schema: UpstreamSchema<T>): Promise<T>;
  call(ctx: CallContext, method: string, call: ScayleCall): Promise<undefined>;
}

/** `123` stays; anything else cannot name a SCAYLE customer (ids are positive integers). */
const NUMERIC_ID = /^[1-9]\d{0,15}$/;

/**
 * A path segment identifying a customer: the numeric id, or `key%3D<ref>` for a reference key
 * (SCAYLE takes `key=<ref>` URL-encoded). Returns undefined for an id SCAYLE cannot have.
 */
export function customerSegment(ref: CustomerRef): string | undefined {
  if (ref.kind === 'externalRef') return encodeURIComponent(`key=${ref.externalRef}`);
  return NUMERIC_ID.test(ref.id) ? ref.id : undefined;
}

/** An address id as a path segment: numeric, or `ref:<key>` for an address reference key. */
export function addressSegment(addressId: string): string | undefined {
  if (addressId.startsWith('ref:') && addressId.length > 4) return encodeURIComponent(`key=${addressId.slice(4)}`);
  return NUMERIC_ID.test(addressId) ? addressId : undefined;
}

/**
 * The SCAYLE Admin API over the shared upstream client: X-Access-Token on every call, paths
 * under /shops/{shopKey}/countries/{countryCode}/customers, the upstream's rate-limit budget
 * copied onto the gateway's answer, errors mapped, bodies checked against their schema.
 */
export function createScayleClient(options: ScayleOptions, fetch: typeof globalThis.fetch): ScayleClient {
  const http = createUpstreamClient({
    baseUrl: options.baseUrl,
    fetch,
    backend: BACKEND,
    retryLimit: options.retryLimit,
    timeoutMs: options.timeoutMs,
    headers: { 'x-access-token': options.accessToken, accept: 'application/json' },
  });
  const root = `shops/${encodeURIComponent(options.shopKey)}/countries/${encodeURIComponent(options.countryCode)}/customers`;

  return {
    async call<T>(
      ctx: CallContext,
      method: string,
      { path, query, body, what, errors }: ScayleCall,
      schema?: UpstreamSchema<T>,
    ): Promise<T> {
      const searchParams = query
        ? Object.fromEntries(Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined))
        : undefined;
      const response = await http.request(ctx, method, `${root}${path}`, {
        searchParams,
        ...(body === undefined ? {} : { json: body }),
      });
      for (const [upstream, ours] of RATE_LIMIT_HEADERS) {
        const value = response.headers.get(upstream);
        if (value !== null && /^\d+$/.test(value.trim())) ctx.setResponseHeader(ours, value.trim());
      }
      if (!response.ok) {
        // Read the error body only for its errorKey/context; it never leaves this function.
        const errorBody = await readJson(response, BACKEND).catch(() => undefined);
        throw toGatewayError(response.status, response.headers, errorBody, errors);
      }
      if (!schema) {
        await response.body?.cancel();
        return undefined as never;
      }
      const data = await readJson(response, BACKEND);
      if (data === undefined)
        throw new GatewayError('upstream_contract_violation', `${BACKEND} answered ${response.status} without a body`);
      return parseUpstream(schema, data, BACKEND, what ?? 'response');
    },
  };
}
