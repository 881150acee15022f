import { GatewayError } from '../errors.js';
import type { CallContext, CustomerAdapter, CustomerRef } from '../types.js';
import type { Open2bClient } from './client.js';
import { addressesOf, isOpen2bGuest } from './map.js';
import { type CustomerWire, OkAnswer } from './upstream.js';
import { checkConversionBilling, checkOpen2bConversion } from './write.js';

/**
 * Guests and erasure on Open2b. A guest is a customer without a password that cannot log in (the
 * record a checkout without registration leaves); Open2b lets such a record share its email with
 * a registered customer, so a registration would otherwise make a second customer. One
 * `commerce.customers.update` gives it the password and `canLogin`. Erasure is
 * `commerce.customers.delete` (the customer with its billing and shipping address).
 */
export function open2bAccounts(
  client: Open2bClient,
  load: (ref: CustomerRef, ctx: CallContext) => Promise<CustomerWire>,
  checkPassword: (password: string) => void,
  /** The adapter's deleteCustomer. */
  remove: (ref: CustomerRef, ctx: CallContext) => Promise<void>,
): Required<Pick<CustomerAdapter, 'convertGuest' | 'eraseCustomer'>> {
  return {
    async convertGuest(ref, { password, active, followedBy }, ctx) {
      const slots = checkOpen2bConversion(followedBy.profile, followedBy.addresses);
      const current = await load(ref, ctx);
      if (!isOpen2bGuest(current)) throw new GatewayError('conflict', `customer ${current.id} is not a guest`);
      const billing = slots.indexOf('billing');
      if (billing >= 0)
        checkConversionBilling(followedBy.profile, followedBy.addresses[billing]!, current, `addresses.${billing}.`);
      if (password !== undefined) checkPassword(password);
      const customer = { canLogin: active, ...(password !== undefined ? { password: { value: password } } : {}) };
      await client.call(ctx, 'commerce.customers.update', { id: current.id, customer }, OkAnswer, {
        customerNames: true,
      });
      // The registration's addresses take the slots they would on a new customer: its billing
      // address replaces the one the guest's checkout left, rather than going to shipping.
      const held = new Set(addressesOf(current).map((a) => a.id));
      // Its billing address to be the default shipping address too, and none of its own in the
      // shipping slot: the checkout's shipping address would stay the default, so it goes.
      const shipsToBilling = billing >= 0 && followedBy.addresses[billing]!.isDefaultShipping === true;
      const supersedes = shipsToBilling && !slots.includes('shipping') && held.has('shipping') ? ['shipping'] : [];
      return { replaces: slots.map((slot) => (held.has(slot) ? slot : undefined)), supersedes };
    },

    async eraseCustomer(ref, ctx) {
      await remove(ref, ctx);
      return {
        outcome: 'deleted',
        detail: 'commerce.customers.delete: the customer record with its billing and shipping address',
      };
    },
  };
}
