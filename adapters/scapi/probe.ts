import { type ProbeResult, runProbe } from '../probe.js';
import type { CallContext } from '../types.js';
import type { ScapiClient } from './client.js';
import { searchCustomers } from './search.js';
import { guestToken } from './shopper.js';

/**
 * Three checks: an Account Manager token (client id and secret, the organization's tenant), a
 * search of one customer on the customer list (organization, list, scopes), and a SLAS guest token
 * for the site (the private client and the site id).
 */
export function probeScapi(client: ScapiClient, ctx: CallContext): Promise<ProbeResult> {
  const { customerList, siteId } = client.options;
  return runProbe([
    {
      what: 'Account Manager token',
      address: ['SCAPI_OAUTH_URL'],
      credentials: ['SCAPI_CLIENT_ID', 'SCAPI_CLIENT_SECRET', 'SCAPI_OAUTH_URL', 'SCAPI_ORGANIZATION_ID'],
      run: () => client.token(ctx),
    },
    {
      what: `customer list ${customerList}`,
      address: ['SCAPI_SHORT_CODE', 'SCAPI_BASE_URL'],
      credentials: ['SCAPI_CLIENT_ID'],
      target: ['SCAPI_ORGANIZATION_ID', 'SCAPI_CUSTOMER_LIST'],
      run: () => searchCustomers(client, ctx, { matchAllQuery: {} }, { offset: 0 }, 1),
      forbidden:
        'the API client lacks a scope the gateway needs (sfcc.customerlists, sfcc.customerlists.rw): add it in Account Manager',
      diagnose: (error) =>
        error.upstream?.status === 404 || error.upstream?.code === 'customer-list-not-found'
          ? {
              problem: 'unknown-target',
              detail: `SCAPI does not know the organization or customer list ${customerList} (HTTP 404${error.upstream.code ? ` ${error.upstream.code}` : ''})`,
              variables: ['SCAPI_ORGANIZATION_ID', 'SCAPI_CUSTOMER_LIST'],
            }
          : undefined,
    },
    {
      what: `SLAS guest token for site ${siteId}`,
      address: ['SCAPI_SHORT_CODE', 'SCAPI_BASE_URL'],
      credentials: ['SCAPI_CLIENT_ID', 'SCAPI_CLIENT_SECRET'],
      target: ['SCAPI_ORGANIZATION_ID'],
      run: () => guestToken(client, ctx),
      diagnose: (error) =>
        error.upstream?.status === 400
          ? {
              problem: 'unknown-target',
              detail: `SLAS refused the site ${siteId} as channel_id (HTTP 400${error.upstream.code ? ` ${error.upstream.code}` : ''})`,
              variables: ['SCAPI_SITE_ID'],
            }
          : undefined,
    },
  ]);
}
