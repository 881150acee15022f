import { isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import type { DuplicateCheck } from './types.js';

/** The best way this target offers to recognise a customer an earlier run already created. */
export function duplicateCheckFor(target: CustomerAdapter): DuplicateCheck {
  if (target.capabilities.externalRefLookup) return 'externalRef';
  if (target.capabilities.listCustomers) return 'email';
  return 'none';
}

export const DUPLICATE_RISK_WARNING =
  'the target can neither look customers up by externalRef nor list them by email: customers created by an earlier run cannot be recognised, so a re-run may create duplicates (or fail with conflict where the target enforces unique emails); continue with --resume instead of starting over';

/** The target's id of the customer with this reference (or email), or undefined when it has none. */
export async function findExisting(
  target: CustomerAdapter,
  check: DuplicateCheck,
  wanted: { externalRef: string; email: string },
  ctx: CallContext,
): Promise<{ id: string; by: 'externalRef' | 'email' } | undefined> {
  if (check === 'externalRef') {
    try {
      const found = await target.getCustomer({ kind: 'externalRef', externalRef: wanted.externalRef }, { expandAddresses: false }, ctx);
      return { id: found.value.id, by: 'externalRef' };
    } catch (error) {
      if (isGatewayError(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  }
  if (check === 'email') {
    const page = await target.listCustomers({ limit: 1, email: wanted.email }, ctx);
    const match = page.items.find((c) => c.email.toLowerCase() === wanted.email.toLowerCase());
    return match ? { id: match.id, by: 'email' } : undefined;
  }
  return undefined;
}
