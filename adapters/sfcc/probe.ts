import { type ProbeResult, type ProbeStep, runProbe } from '../probe.js';
import type { CallContext } from '../types.js';
import type { OcapiClient } from './client.js';
import type { SfccOptions } from './options.js';
import type { CustomerSearch } from './search.js';

/** A customer id no site has: the Shop API answers CustomerNotFoundException when site and client are fine. */
const NO_SUCH_CUSTOMER = 'customer-gateway-doctor';

/** OCAPI's 403: the client's OCAPI settings (Business Manager) do not list the resource. */
const notAllowed = (api: string, resource: string) =>
  `the API client may not call ${resource} (OCAPI answered 403): add it for this client in Business Manager, OCAPI settings, ${api}`;

/**
 * Three checks: an Account Manager token (client id and secret), the Shop API's customers
 * resource on the configured site, and, with the Data API configured, a search of one customer on
 * the customer list.
 */
export function probeSfcc(
  client: OcapiClient,
  options: SfccOptions,
  search: CustomerSearch,
  ctx: CallContext,
): Promise<ProbeResult> {
  const credentials = ['SFCC_CLIENT_ID', 'SFCC_CLIENT_SECRET'];
  const steps: ProbeStep[] = [
    {
      what: 'Account Manager token',
      address: ['SFCC_OAUTH_URL'],
      credentials: [...credentials, 'SFCC_OAUTH_URL'],
      run: () => client.token(ctx),
    },
    {
      what: 'Shop API customers on the site',
      address: ['SFCC_BASE_URL'],
      credentials: ['SFCC_CLIENT_ID'],
      target: ['SFCC_BASE_URL'],
      run: () =>
        client.call(ctx, 'shop', {
          method: 'GET',
          path: `customers/${NO_SUCH_CUSTOMER}`,
          auth: { kind: 'oauth' },
          what: 'the Shop API',
        }),
      forbidden: notAllowed('Shop API', 'GET /customers/{id}'),
      diagnose: (error) => {
        if (error.upstream?.code === 'CustomerNotFoundException') return 'passed';
        if (error.upstream?.code === 'NotFoundException')
          return {
            problem: 'unknown-target',
            detail: 'no Shop API answers at SFCC_BASE_URL (NotFoundException): check the site id and API version in it',
            variables: ['SFCC_BASE_URL'],
          };
        return undefined;
      },
    },
  ];
  const data = options.data;
  if (data)
    steps.push({
      what: `Data API customer list ${data.customerList}`,
      address: ['SFCC_DATA_BASE_URL'],
      credentials: ['SFCC_CLIENT_ID'],
      target: ['SFCC_CUSTOMER_LIST', 'SFCC_DATA_BASE_URL'],
      run: () => search.list({ limit: 1 }, ctx),
      forbidden: notAllowed('Data API', 'POST /customer_lists/{list_id}/customer_search'),
      diagnose: (error) => {
        if (error.upstream?.code === 'CustomerListNotFoundException')
          return {
            problem: 'unknown-target',
            detail: `SFCC has no customer list ${data.customerList} (CustomerListNotFoundException)`,
            variables: ['SFCC_CUSTOMER_LIST'],
          };
        return undefined;
      },
    });
  return runProbe(steps);
}
