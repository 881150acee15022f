import { type ProbeResult, runProbe } from '../probe.js';
import type { CallContext } from '../types.js';
import type { ScayleClient } from './client.js';
import type { ScayleOptions } from './options.js';
import { ScayleCustomerListSchema } from './upstream.js';

/** One page of one customer in the configured shop country: token, shop key and country in one call. */
export function probeScayle(client: ScayleClient, options: ScayleOptions, ctx: CallContext): Promise<ProbeResult> {
  return runProbe([
    {
      what: `shop ${options.shopKey} country ${options.countryCode}`,
      address: ['SCAYLE_BASE_URL'],
      credentials: ['SCAYLE_ACCESS_TOKEN'],
      target: ['SCAYLE_SHOP_KEY', 'SCAYLE_COUNTRY_CODE'],
      run: () =>
        client.call(
          ctx,
          'GET',
          {
            path: '',
            query: { limit: 1 },
            errors: { kind: 'customer', notFound: 'no such shop country', notFoundIsConfig: true },
          },
          ScayleCustomerListSchema,
        ),
      diagnose: (error) =>
        error.upstream?.status === 403
          ? {
              problem: 'permission',
              detail: 'SCAYLE accepts the access token but not for customers (HTTP 403): give it the customer scopes',
              variables: ['SCAYLE_ACCESS_TOKEN'],
            }
          : undefined,
    },
  ]);
}
