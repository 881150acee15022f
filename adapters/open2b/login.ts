import { GatewayError } from '../errors.js';
import { WRONG_CREDENTIALS, type CustomerAdapter } from '../types.js';
import type { Open2bClient } from './client.js';
import { charLength, OPEN2B_LIMITS } from './limits.js';
import { AuthenticateAnswer } from './upstream.js';

/**
 * Shopper login with `commerce.customers.authenticate` (email + password; Open2b answers the
 * customer or null). Like every authenticate call it moves the customer's loginTime on.
 */
export function open2bShopperLogin(client: Open2bClient): NonNullable<CustomerAdapter['authenticateShopper']> {
  return async ({ email, password }, ctx) => {
    const limits = OPEN2B_LIMITS['authenticate.password'];
    // A password Open2b could never hold cannot match: no need to ask.
    const length = charLength(password);
    if (length < limits.min || length > limits.max) throw new GatewayError('unauthorized', WRONG_CREDENTIALS);
    const answer = await client.call(
      ctx,
      'commerce.customers.authenticate',
      { email, password, fields: ['id'] },
      AuthenticateAnswer,
    );
    if (!answer.customer) throw new GatewayError('unauthorized', WRONG_CREDENTIALS);
    return { customerId: String(answer.customer.id) };
  };
}
