import { GatewayError } from '../errors.js';
import { describeRef } from '../support.js';
import type { CustomerAdapter, CustomerRef } from '../types.js';
import { hashPassword, type MemoryRecord, type MemoryStore } from './store.js';

/**
 * The account-life methods of the reference adapter: guests become registered customers in
 * place, and erasure deletes the record unless the customer still has open orders.
 */
export function memoryAccounts(
  store: MemoryStore,
  find: (ref: CustomerRef) => MemoryRecord,
  /** The adapter's clock, in the form its timestamps take. */
  now: () => string,
): Required<Pick<CustomerAdapter, 'convertGuest' | 'eraseCustomer'>> {
  return {
    async convertGuest(ref, { password, active }) {
      const record = find(ref);
      if (!record.customer.status.guest)
        throw new GatewayError('conflict', `customer ${describeRef(ref)} is not a guest`);
      if (password !== undefined) record.passwordHash = await hashPassword(password);
      record.customer = {
        ...record.customer,
        status: { active, guest: false },
        hasPassword: record.passwordHash !== undefined,
        updatedAt: now(),
      };
      record.version++;
    },

    async eraseCustomer(ref) {
      const record = find(ref);
      if (record.openOrders)
        throw new GatewayError(
          'conflict',
          `customer ${record.customer.id} has ${record.openOrders} open order(s); erase them once they are closed`,
        );
      store.records.delete(record.customer.id);
      return { outcome: 'deleted', detail: 'the customer record and its addresses are deleted from the memory store' };
    },
  };
}
