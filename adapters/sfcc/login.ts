import { GatewayError } from '../errors.js';
import { WRONG_CREDENTIALS, type CustomerAdapter } from '../types.js';
import type { OcapiClient } from './client.js';
import { OcapiCustomerSchema } from './upstream.js';

/**
 * Shopper login with OCAPI's `POST /customers/auth {type: "credentials"}` (Basic login:password).
 * The shopper's email is sent as the login, the usual storefront setup (see docs/sessions.md).
 * The shopper JWT OCAPI answers is given straight back: the gateway issues its own session.
 */
export function sfccShopperLogin(client: OcapiClient): NonNullable<CustomerAdapter['authenticateShopper']> {
  return async ({ email, password }, ctx) => {
    const request = {
      method: 'POST' as const,
      path: 'customers/auth',
      auth: { kind: 'basic' as const, user: email, password },
      json: { type: 'credentials' },
      what: 'the shopper login',
    };
    const answer = await client.call(ctx, 'shop', request, OcapiCustomerSchema).catch((error: unknown) => {
      // 401 AuthenticationFailedException: unknown login, wrong password, disabled or locked alike.
      if (error instanceof GatewayError && error.upstream?.status === 401)
        throw new GatewayError('unauthorized', WRONG_CREDENTIALS);
      throw error;
    });
    if (answer.bearer) {
      await client
        .call(ctx, 'shop', {
          method: 'DELETE',
          path: 'customers/auth',
          auth: { kind: 'bearer', token: answer.bearer },
          what: 'the shopper token',
        })
        .catch(() => undefined);
    }
    return { customerId: answer.body.customer_id };
  };
}
