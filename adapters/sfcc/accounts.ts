import { describeRef } from '../support.js';
import type { CallContext, CustomerAdapter, CustomerRef } from '../types.js';
import { path, type OcapiClient } from './client.js';
import type { SfccOptions } from './options.js';

/**
 * A customer's login, changed through the Data API (`credentials.login`; the Shop API cannot):
 * where the email is the login, a shopper's new email moves it. Absent without the Data API.
 */
export function sfccLoginChange(client: OcapiClient, options: SfccOptions) {
  if (!options.data) return undefined;
  const list = options.data.customerList;
  /** `customerId` names the customer in problems (the id callers know; the Data API path takes its number). */
  return async (ctx: CallContext, customerNo: string, login: string, customerId: string): Promise<void> => {
    await client.call(ctx, 'data', {
      method: 'PATCH',
      path: path('customer_lists', list, 'customers', customerNo),
      auth: { kind: 'oauth' },
      json: { credentials: { login } },
      what: `the login of customer ${customerId}`,
    });
  };
}

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
        what: `customer ${describeRef(ref)}`,
      });
      return {
        outcome: 'deleted',
        detail: `Data API DELETE customer_lists/${list}/customers/{customer_no}: the profile with its addresses; orders keep their own copy of the buyer`,
      };
    },
  };
}
