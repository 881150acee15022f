import { GatewayError } from '../errors.js';
import { WRONG_CREDENTIALS, type CustomerAdapter } from '../types.js';
import { hashPassword, type MemoryStore } from './store.js';

/** Shopper login against the memory store: active customers with a password. */
export function memoryShopperLogin(store: MemoryStore): NonNullable<CustomerAdapter['authenticateShopper']> {
  return async ({ email, password }) => {
    const record = store.byEmail(email);
    // Hash even for an unknown email, so both failures take the same time.
    const offered = await hashPassword(password);
    if (!record || record.passwordHash !== offered || !record.customer.status.active)
      throw new GatewayError('unauthorized', WRONG_CREDENTIALS);
    return { customerId: record.customer.id };
  };
}
