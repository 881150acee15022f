import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import type { Customer } from '../../schemas/index.js';
import { findExisting } from './existing.js';
import { migrationRef, toCustomerCreate, type MappedCustomer } from './map.js';
import type { CustomerReport, DuplicateCheck } from './types.js';

/** What every customer of one run is migrated with. */
export interface CustomerStep {
  source: CustomerAdapter;
  target: CustomerAdapter;
  ctx: CallContext;
  dryRun: boolean;
  duplicateCheck: DuplicateCheck;
  omit?: string[];
  createInactive?: boolean;
  /** Wraps each backend call (rate-limit waits). */
  retry: <T>(call: () => Promise<T>) => Promise<T>;
}

function failure(report: CustomerReport, step: CustomerReport['step'], error: unknown): CustomerReport {
  const e = isGatewayError(error) ? error : new GatewayError('internal', error instanceof Error ? error.message : String(error));
  return { ...report, outcome: 'failed', step, code: e.code, detail: e.message, errors: e.errors, created: e.created };
}

/** Source customer → create input, refused here when the target caps addresses below what it has. */
function mapFor(customer: Customer, run: CustomerStep): MappedCustomer {
  const { target } = run;
  const mapped = toCustomerCreate(customer, {
    sourceBackend: run.source.backend,
    keepAddressIds: target.capabilities.addressRename,
    omit: run.omit,
    createInactive: run.createInactive,
  });
  const count = mapped.input.addresses?.length ?? 0;
  const max = target.capabilities.maxAddresses;
  if (max !== undefined && count > max) {
    throw new GatewayError('not_supported', `has ${count} addresses, ${target.backend} holds at most ${max}`, {
      errors: [{ path: 'addresses', message: `at most ${max}` }],
    });
  }
  return mapped;
}

/**
 * One customer, start to end: read with addresses, map, look for it on the target, create. Never
 * throws: every way it can end is a report entry, so the run always goes on to the next one.
 */
export async function migrateCustomer(summary: Customer, run: CustomerStep): Promise<CustomerReport> {
  const { source, target, ctx, retry } = run;
  const base: CustomerReport = { sourceId: summary.id, email: summary.email, externalRef: migrationRef(summary, source.backend), outcome: 'failed' };

  let customer: Customer;
  try {
    customer = (await retry(() => source.getCustomer({ kind: 'id', id: summary.id }, { expandAddresses: true }, ctx))).value;
  } catch (error) {
    if (isGatewayError(error) && error.code === 'not_found') return { ...base, outcome: 'skipped', reason: 'deleted on the source while migrating' };
    return failure(base, 'read', error);
  }
  const report: CustomerReport = { ...base, email: customer.email, externalRef: migrationRef(customer, source.backend) };

  let mapped: MappedCustomer;
  try {
    mapped = mapFor(customer, run);
  } catch (error) {
    return failure(report, 'map', error);
  }
  if (mapped.notes.length) report.notes = mapped.notes;

  try {
    const existing = await retry(() => findExisting(target, run.duplicateCheck, { externalRef: report.externalRef, email: report.email }, ctx));
    if (existing?.kind === 'otherCustomer') {
      const whose = existing.externalRef ? `under the reference ${existing.externalRef}` : 'without a reference';
      return {
        ...report,
        outcome: 'failed',
        step: 'lookup',
        code: 'conflict',
        detail: `the target already has customer ${existing.id} with this email, ${whose}: left alone`,
        errors: [{ path: 'email', message: 'already used on the target' }],
        targetId: existing.id,
      };
    }
    if (existing) return { ...report, outcome: 'skipped', reason: existing.kind === 'ref' ? 'exists' : 'exists (same email)', targetId: existing.id };
  } catch (error) {
    return failure(report, 'lookup', error);
  }

  // A password is the one thing no adapter exposes: whoever had one must set a new one. Where
  // the source does not say (OCAPI), a registered customer is assumed to have had one.
  if (customer.hasPassword ?? !customer.status.guest) {
    report.passwordResetNeeded = true;
    if (customer.hasPassword === undefined) {
      report.notes = [...(report.notes ?? []), `${source.backend} does not say whether it had a password: flagged for a reset to be safe`];
    }
  }
  if (run.dryRun) return { ...report, outcome: 'would_create' };
  try {
    const created = await retry(() => target.createCustomer(mapped.input, ctx));
    return { ...report, outcome: 'created', targetId: created.value.id };
  } catch (error) {
    return failure(report, 'create', error);
  }
}
