import type { CallContext, CustomerAdapter, CustomerRef } from '../types.js';
import { path, type OcapiClient } from './client.js';
import type { SfccOptions } from './options.js';

/**
 * Erasure on SFCC: the Shop API cannot delete customers, the Data API can
 * (`DELETE customer_lists/{list}/customers/{customer_no}`: the profile with its addresses; orders
 * keep their own copy of the buyer). Offered only with the Data API configured. Guests have no
 * customer record in OCAPI (a guest checkout keeps the buyer on the order), so there is nothing
 * to convert: registering with a guest's email makes a new customer.
 */
export function sfccAccounts(
  client: OcapiClient,
  options: SfccOptions,
  customerNoOf: (id: string, ctx: CallContext) => Promise<string>,
  resolveId: (ref: CustomerRef, ctx: CallContext) => Promise<string>,
): Pick<CustomerAdapter, 'eraseCustomer'> {
  if (!options.data) return {};
  const list = options.data.customerList;
  return {
    async eraseCustomer(ref, ctx) {
      const no = await customerNoOf(await resolveId(ref, ctx), ctx);
      await client.call(ctx, 'data', {
        method: 'DELETE',
        path: path('customer_lists', list, 'customers', no),
        auth: { kind: 'oauth' },
        what: `customer ${no}`,
      });
      return {
        outcome: 'deleted',
        detail: `Data API DELETE customer_lists/${list}/customers/{customer_no}: the profile with its addresses; orders keep their own copy of the buyer`,
      };
    },
  };
}
