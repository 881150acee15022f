import { GatewayError, isGatewayError } from '../errors.js';
import { describeRef } from '../support.js';
import type { CustomerAdapter, CustomerRef } from '../types.js';
import type { ScayleClient } from './client.js';
import type { ErrorScope } from './errors.js';
import { ScayleCustomerSchema, ScayleStatusSchema } from './upstream.js';
import { isShortPassword, SHORT_PASSWORD } from './limits.js';
import { toScayleAddressCreate, toScayleCustomerPatch } from './map.js';

/**
 * Guests and erasure on SCAYLE. A guest is a customer with `status.isGuestCustomer`; the Admin
 * API registers it in place by setting its password and its status. Erasure is SCAYLE's customer
 * DELETE, which anonymises the customer and its addresses at once ("soft-deleted", restorable for
 * SCAYLE's retention period, then deleted for good) and keeps its orders, anonymised; SCAYLE
 * refuses it while the customer has ongoing orders (409).
 */
export function scayleAccounts(
  client: ScayleClient,
  customerPath: (ref: CustomerRef) => string,
  customerScope: (ref: CustomerRef) => ErrorScope,
): Required<Pick<CustomerAdapter, 'convertGuest' | 'eraseCustomer'>> {
  return {
    async convertGuest(ref, { password, active, followedBy }, ctx) {
      // What follows the conversion is mapped first: a field SCAYLE cannot store refuses it now.
      toScayleCustomerPatch(followedBy.profile);
      followedBy.addresses.forEach((address, i) => toScayleAddressCreate(address, `addresses.${i}.`));
      if (password !== undefined && isShortPassword(password))
        throw new GatewayError('validation_failed', SHORT_PASSWORD, {
          errors: [{ path: 'password', message: SHORT_PASSWORD }],
        });
      const scope = customerScope(ref);
      const current = await client.call(
        ctx,
        'GET',
        { path: customerPath(ref), what: 'customer', errors: scope },
        ScayleCustomerSchema,
      );
      if (!current.status?.isGuestCustomer)
        throw new GatewayError('conflict', `customer ${describeRef(ref)} is not a guest`);
      const path = `/${current.id}`;
      // The password first: a guest that cannot sign in yet is still a guest if it fails.
      if (password !== undefined)
        await client.call(ctx, 'PUT', {
          path: `${path}/password`,
          body: { password, hashingType: 'internal' },
          errors: scope,
        });
      await client.call(
        ctx,
        'PUT',
        { path: `${path}/status`, body: { isActive: active, isGuestCustomer: false }, errors: scope },
        ScayleStatusSchema,
      );
    },

    async eraseCustomer(ref, ctx) {
      await client.call(ctx, 'DELETE', { path: customerPath(ref), errors: customerScope(ref) }).catch((error) => {
        if (!isGatewayError(error) || error.code !== 'conflict') throw error;
        throw new GatewayError(
          'conflict',
          `scayle refuses to erase customer ${describeRef(ref)} while it has ongoing orders (${error.upstream?.code ?? 'HTTP 409'}); nothing was changed, erase it once its orders are closed`,
          { upstream: error.upstream },
        );
      });
      return {
        outcome: 'anonymized',
        detail:
          'SCAYLE DELETE customer: the customer and its addresses are anonymised now ("soft-deleted"); SCAYLE deletes them for good after its restore period; orders are kept, anonymised',
      };
    },
  };
}
