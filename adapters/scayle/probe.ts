import { type ProbeResult, runProbe } from '../probe.js';
import type { ScayleOptions } from './options.js';

/**
 * One page of one customer in the configured shop country (`list`, the adapter's listCustomers):
 * token, shop key and country in one call.
 */
export function probeScayle(options: ScayleOptions, list: () => Promise<unknown>): Promise<ProbeResult> {
  return runProbe([
    {
      what: `shop ${options.shopKey} country ${options.countryCode}`,
      address: ['SCAYLE_BASE_URL'],
      credentials: ['SCAYLE_ACCESS_TOKEN'],
      target: ['SCAYLE_SHOP_KEY', 'SCAYLE_COUNTRY_CODE'],
      run: list,
      forbidden: 'SCAYLE accepts the access token but not for customers (HTTP 403): give it the customer scopes',
    },
  ]);
}
