import { isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import { customersWithEmail } from '../../src/routes/recovery.js';
import type { DuplicateCheck } from './types.js';

/** The best way this target offers to recognise a customer an earlier run already created. */
export function duplicateCheckFor(target: CustomerAdapter): DuplicateCheck {
  if (target.capabilities.externalRefLookup) return 'externalRef';
  if (target.capabilities.listCustomers) return 'email';
  return 'none';
}

export const DUPLICATE_RISK_WARNING =
  'the target can neither look customers up by externalRef nor list them by email: customers created by an earlier run cannot be recognised, so a re-run may create duplicates (or fail with conflict where the target enforces unique emails); continue with --resume instead of starting over';

/**
 * What the target already holds for this customer:
 * - `ref`: a customer with the migration's reference (an earlier run created it);
 * - `email`: where the target cannot look references up, a customer with the same email (taken as the same);
 * - `otherCustomer`: the reference is new but the email is taken, by a customer the migration did not
 *   create. Found up front so a dry run reports it too, instead of only the real run's conflict.
 */
export type Existing = { kind: 'ref' | 'email' | 'otherCustomer'; id: string; externalRef?: string; email?: string };

const byEmail = async (target: CustomerAdapter, email: string, ctx: CallContext) =>
  (await customersWithEmail(target, email, ctx, 1))[0];

export async function findExisting(
  target: CustomerAdapter,
  check: DuplicateCheck,
  wanted: { externalRef: string; email: string },
  ctx: CallContext,
): Promise<Existing | undefined> {
  if (check === 'externalRef') {
    try {
      const found = await target.getCustomer(
        { kind: 'externalRef', externalRef: wanted.externalRef },
        { expandAddresses: false },
        ctx,
      );
      return { kind: 'ref', id: found.value.id, email: found.value.email };
    } catch (error) {
      if (!isGatewayError(error) || error.code !== 'not_found') throw error;
    }
    if (!target.capabilities.listCustomers) return undefined;
    const other = await byEmail(target, wanted.email, ctx);
    return other && { kind: 'otherCustomer', id: other.id, externalRef: other.externalRef };
  }
  if (check === 'email') {
    const same = await byEmail(target, wanted.email, ctx);
    return same && { kind: 'email', id: same.id };
  }
  return undefined;
}

/**
 * Whether more than one source customer carries `externalRef` (a source that cannot say counts as
 * no): the target keeps a reference once, so the second would be taken for the first's earlier run.
 */
export async function sharedOnSource(source: CustomerAdapter, externalRef: string, ctx: CallContext): Promise<boolean> {
  if (!source.capabilities.listCustomers || !source.listCustomers) return false;
  try {
    const page = await source.listCustomers({ externalRef, limit: 2 }, ctx);
    return page.items.filter((c) => c.externalRef === externalRef).length > 1;
  } catch (error) {
    // An export file cannot filter (the run's own record of placed references covers it); any
    // other failure is the lookup's (retried, then this customer fails at `lookup`).
    if (isGatewayError(error) && error.code === 'not_supported') return false;
    throw error;
  }
}
