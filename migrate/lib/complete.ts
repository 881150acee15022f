import type { CustomerAdapter, CustomerRef } from '../../adapters/types.js';
import type { CustomerCreate } from '../../schemas/index.js';
import type { CustomerStep } from './customer.js';
import { pairAddresses } from './compare.js';

/**
 * Finishes a customer an earlier run created but did not finish (killed between its create and
 * its addresses or status): reads it from the target, adds the source addresses it lacks and
 * deactivates it where the source said so. Answers what it added (empty: nothing was missing);
 * a dry run only says what it would add. Throws the adapter's GatewayError when a write fails.
 */
export async function completeOnTarget(
  targetId: string,
  input: CustomerCreate,
  run: CustomerStep,
): Promise<{ added: string[]; hasPassword?: boolean }> {
  const { target, ctx, retry } = run;
  const ref: CustomerRef = { kind: 'id', id: targetId };
  const current = (await retry(() => target.getCustomer(ref, { expandAddresses: true }, ctx))).value;
  const wanted = input.addresses ?? [];
  const { missing } = pairAddresses(wanted, current.addresses ?? []);
  const added: string[] = [];
  for (const address of missing) {
    const index = wanted.indexOf(address);
    if (!run.dryRun)
      await retry(() => target.createAddress(ref, withoutTakenId(address, current.addresses ?? [], target), ctx));
    added.push(`addresses.${index}`);
  }
  if (input.active === false && current.status.active) {
    if (!run.dryRun) await retry(() => target.updateCustomer(ref, { active: false }, {}, ctx));
    added.push('active: false');
  }
  return { added, hasPassword: current.hasPassword };
}

/** A target that names addresses may already hold the name for a different address: let it pick one. */
function withoutTakenId<A extends { id?: string }>(address: A, present: { id: string }[], target: CustomerAdapter): A {
  if (!target.capabilities.addressRename || !present.some((p) => p.id === address.id)) return address;
  const { id: _taken, ...rest } = address;
  return rest as A;
}
