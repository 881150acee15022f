import { GatewayError } from '../errors.js';
import { parseUpstream, readJson } from '../http.js';
import { WRONG_CREDENTIALS, type CustomerAdapter } from '../types.js';
import type { OcapiClient } from './client.js';
import { BACKEND, ocapiError } from './errors.js';
import { OcapiCustomerSchema } from './upstream.js';

/**
 * Shopper login with OCAPI's `POST /customers/auth {type: "credentials"}` (Basic login:password).
 * The shopper's email is sent as the login, the usual storefront setup (see docs/sessions.md).
 * The shopper JWT OCAPI answers is given straight back: the gateway issues its own session.
 */
export function sfccShopperLogin(client: OcapiClient): NonNullable<CustomerAdapter['authenticateShopper']> {
  return async ({ email, password }, ctx) => {
    const response = await client.send(ctx, 'shop', { method: 'POST', path: 'customers/auth', auth: { kind: 'basic', user: email, password }, json: { type: 'credentials' } });
    if (response.status === 401) {
      await response.body?.cancel();
      throw new GatewayError('unauthorized', WRONG_CREDENTIALS);
    }
    if (!response.ok) throw await ocapiError(response, 'the shopper login');
    const customer = parseUpstream(OcapiCustomerSchema, await readJson(response, BACKEND), BACKEND, 'customer');
    const token = /^Bearer\s+(.+)$/i.exec(response.headers.get('authorization') ?? '')?.[1];
    if (token) {
      const release = await client.send(ctx, 'shop', { method: 'DELETE', path: 'customers/auth', auth: { kind: 'bearer', token: token.trim() } }).catch(() => undefined);
      await release?.body?.cancel();
    }
    return { customerId: customer.customer_id };
  };
}
