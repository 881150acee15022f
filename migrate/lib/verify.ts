import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import { capable } from '../../adapters/unsupported.js';
import type { Address, AddressCreate, Customer } from '../../schemas/index.js';
import { comparableAddress, differingFields, pairAddresses } from './compare.js';
import { isLossy } from './lossy.js';
import { migrationRef, toCustomerCreate } from './map.js';
import { DEFAULT_BATCH_SIZE } from './migrate.js';
import { withRateLimitRetry } from './retry.js';

export interface VerifyOptions {
  source: CustomerAdapter;
  target: CustomerAdapter;
  ctx: CallContext;
  /** The --omit of the migration: those fields were left out on purpose. */
  omit?: string[];
  /** The migration ran with --inactive: every customer is expected inactive. */
  createInactive?: boolean;
  /** Only source customers updated since (extra target customers are then not looked for). */
  since?: string;
  batchSize?: number;
  onProgress?: (checked: number) => void;
}

export type VerifyOutcome = 'matched' | 'differing' | 'missing' | 'extra' | 'failed';

export interface VerifyEntry {
  outcome: VerifyOutcome;
  sourceId?: string;
  targetId?: string;
  email: string;
  externalRef?: string;
  /** Differing: the canonical paths whose values differ (`lastName`, `addresses.1.city`, `addresses.0` when missing). */
  fields?: string[];
  detail?: string;
}

export interface VerifyResult {
  source: string;
  target: string;
  startedAt: string;
  finishedAt: string;
  counts: Record<VerifyOutcome, number> & { checked: number };
  /** Every customer that is not `matched` (the matched ones are only counted). */
  customers: VerifyEntry[];
  notes: string[];
}

/** Street lines compare by their words (targets reshape them: SCAYLE splits and may reorder). */
const sameShape = (a: AddressCreate | Address) => {
  const out = comparableAddress(a);
  out.line1 = String(out.line1 ?? '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(' ');
  out.countryCode = String(out.countryCode).toUpperCase();
  return out;
};

/** The paths in which the target's customer differs from what the migration would write. */
function compareCustomer(
  source: CustomerAdapter,
  target: CustomerAdapter,
  customer: Customer,
  held: Customer,
  options: VerifyOptions,
): string[] {
  const { input } = toCustomerCreate(customer, {
    sourceBackend: source.backend,
    keepAddressIds: false,
    omit: options.omit,
    createInactive: options.createInactive,
  });
  const ignore = (path: string) => isLossy(target.platform ?? target.backend, path) || path === 'password';
  const { addresses = [], active, ...fields } = input;
  const differing = differingFields(fields, held as unknown as Record<string, unknown>, ignore);
  if (active !== held.status.active) differing.push('active');
  const { pairs, missing, extra } = pairAddresses(addresses, held.addresses ?? []);
  // Addresses left over on both sides are taken as the same address changed, in order, so the
  // report names the field (`addresses.1.city`) rather than one address missing and one extra.
  const changed = missing.splice(0, extra.length).map((sent, i): [AddressCreate, Address] => [sent, extra[i]!]);
  extra.splice(0, changed.length);
  for (const address of missing) differing.push(`addresses.${addresses.indexOf(address)}`);
  for (const [sent, stored] of [...pairs, ...changed]) {
    const prefix = `addresses.${addresses.indexOf(sent)}.`;
    differing.push(...differingFields(sameShape(sent), sameShape(stored), ignore, prefix));
  }
  if (extra.length) differing.push(`addresses (${extra.length} more on the target)`);
  return differing;
}

async function findOnTarget(
  target: CustomerAdapter,
  customer: Customer,
  sourceBackend: string,
  ctx: CallContext,
): Promise<Customer | undefined> {
  try {
    if (target.capabilities.externalRefLookup) {
      const externalRef = migrationRef(customer, sourceBackend);
      return (await target.getCustomer({ kind: 'externalRef', externalRef }, { expandAddresses: true }, ctx)).value;
    }
    const found = (await capable(target, 'listCustomers')({ limit: 1, email: customer.email }, ctx)).items[0];
    return found && (await target.getCustomer({ kind: 'id', id: found.id }, { expandAddresses: true }, ctx)).value;
  } catch (error) {
    if (isGatewayError(error) && error.code === 'not_found') return undefined;
    throw error;
  }
}

/**
 * Reads every source customer and its counterpart on the target and compares them field by
 * field through the canonical model, ignoring what the target has no place for (lossy.ts) and
 * what the migration left out (--omit). Then lists the target for customers the source does not
 * have. Read-only on both sides.
 */
export async function verifyMigration(options: VerifyOptions): Promise<VerifyResult> {
  const { source, target, ctx } = options;
  if (!source.capabilities.listCustomers)
    throw new GatewayError(
      'not_supported',
      `${source.backend} cannot list customers, so it cannot be verified against`,
    );
  const retry = <T>(call: () => Promise<T>) => withRateLimitRetry(call, ctx.signal);
  const startedAt = new Date().toISOString();
  const counts = { checked: 0, matched: 0, differing: 0, missing: 0, extra: 0, failed: 0 };
  const customers: VerifyEntry[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const record = (entry: VerifyEntry) => {
    counts[entry.outcome]++;
    if (entry.outcome !== 'matched') customers.push(entry);
  };

  let position: unknown;
  do {
    const page = await retry(() =>
      capable(source, 'listCustomers')(
        { limit: options.batchSize ?? DEFAULT_BATCH_SIZE, position, updatedSince: options.since },
        ctx,
      ),
    );
    for (const summary of page.items) {
      const entry: VerifyEntry = {
        outcome: 'failed',
        sourceId: summary.id,
        email: summary.email,
        externalRef: migrationRef(summary, source.backend),
      };
      try {
        const customer = (
          await retry(() => source.getCustomer({ kind: 'id', id: summary.id }, { expandAddresses: true }, ctx))
        ).value;
        const held = await retry(() => findOnTarget(target, customer, source.backend, ctx));
        if (!held) record({ ...entry, outcome: 'missing' });
        else {
          seen.add(held.id);
          const fields = compareCustomer(source, target, customer, held, options);
          record({
            ...entry,
            targetId: held.id,
            outcome: fields.length ? 'differing' : 'matched',
            ...(fields.length ? { fields } : {}),
          });
        }
      } catch (error) {
        record({ ...entry, detail: isGatewayError(error) ? `${error.code}: ${error.message}` : String(error) });
      }
      counts.checked++;
      options.onProgress?.(counts.checked);
    }
    position = page.next;
  } while (position !== null && position !== undefined);

  if (options.since)
    notes.push(
      '--since: only source customers changed since then were compared; extra target customers were not looked for',
    );
  else if (!target.capabilities.listCustomers)
    notes.push(`${target.backend} cannot list customers: extra target customers were not looked for`);
  else {
    let next: unknown;
    do {
      const page = await retry(() =>
        capable(target, 'listCustomers')({ limit: options.batchSize ?? DEFAULT_BATCH_SIZE, position: next }, ctx),
      );
      for (const c of page.items)
        if (!seen.has(c.id)) record({ outcome: 'extra', targetId: c.id, email: c.email, externalRef: c.externalRef });
      next = page.next;
    } while (next !== null && next !== undefined);
  }
  return {
    source: source.backend,
    target: target.backend,
    startedAt,
    finishedAt: new Date().toISOString(),
    counts,
    customers,
    notes,
  };
}

/** Lines for the terminal. */
export function verifySummaryLines(result: VerifyResult): string[] {
  const { counts } = result;
  const lines = [
    `verify ${result.source} → ${result.target}: ${counts.checked} checked, ${counts.matched} matched, ${counts.differing} differing, ` +
      `${counts.missing} missing on the target, ${counts.extra} extra on the target${counts.failed ? `, ${counts.failed} could not be read` : ''}`,
  ];
  for (const c of result.customers.slice(0, 30)) {
    const who = `${c.sourceId ?? c.targetId} <${c.email}>`;
    if (c.outcome === 'differing') lines.push(`  differing ${who}: ${c.fields!.join(', ')}`);
    else
      lines.push(
        `  ${c.outcome === 'extra' ? 'extra on the target' : c.outcome === 'missing' ? 'missing on the target' : 'could not be read'} ${who}${c.detail ? `: ${c.detail}` : ''}`,
      );
  }
  if (result.customers.length > 30) lines.push(`  … and ${result.customers.length - 30} more (see the report)`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines;
}

/** Whether the copy is exact (exit 0). */
export const verifiedClean = (result: VerifyResult) => result.customers.length === 0;
