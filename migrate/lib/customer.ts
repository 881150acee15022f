import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import type { Customer } from '../../schemas/index.js';
import { completeOnTarget } from './complete.js';
import { findExisting, sharedOnSource } from './existing.js';
import { migrationRef, toCustomerCreate, type MappedCustomer } from './map.js';
import type { CustomerReport, DuplicateCheck, PasswordHashSource } from './types.js';

/** What every customer of one run is migrated with. */
export interface CustomerStep {
  source: CustomerAdapter;
  target: CustomerAdapter;
  ctx: CallContext;
  dryRun: boolean;
  duplicateCheck: DuplicateCheck;
  omit?: string[];
  createInactive?: boolean;
  passwordHashes?: PasswordHashSource;
  /** Wraps each backend call (rate-limit waits). */
  retry: <T>(call: () => Promise<T>) => Promise<T>;
  /**
   * Runs the move of one customer (look up on the target, create or complete) as the only mover of
   * it, when other movers work on the same shop (the live migration's lease in the shared store):
   * may answer without running `move`, e.g. when the customer was already moved live.
   */
  claim?: MoveClaim;
  /**
   * The references this run placed, by source id: a second source customer with one of them is
   * another person, even where the source cannot be asked who holds it (an export file).
   */
  placedRefs?: Map<string, string>;
}

/** See CustomerStep.claim. */
export type MoveClaim = (customer: Customer, move: () => Promise<CustomerReport>) => Promise<CustomerReport>;

function failure(report: CustomerReport, step: CustomerReport['step'], error: unknown): CustomerReport {
  const e = isGatewayError(error)
    ? error
    : new GatewayError('internal', error instanceof Error ? error.message : String(error));
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

const note = (report: CustomerReport, text: string) => void (report.notes = [...(report.notes ?? []), text]);

/**
 * Flags a customer who had a password for a reset, unless its hash can be carried: then sets the
 * hash on the target (SCAYLE) and the customer keeps its password. The hash itself never goes
 * into the report. Throws the adapter's error when setting it fails.
 */
async function carryPassword(
  customer: Customer,
  targetId: string | undefined,
  run: CustomerStep,
  report: CustomerReport,
): Promise<void> {
  const hash = run.passwordHashes?.hashFor(customer);
  if (!hash && !(customer.hasPassword ?? !customer.status.guest)) return;
  report.passwordResetNeeded = true;
  if (!hash) {
    // Where the source does not say (OCAPI), a registered customer is assumed to have had one.
    if (customer.hasPassword === undefined)
      note(report, `${run.source.backend} does not say whether it had a password: flagged for a reset to be safe`);
    return;
  }
  const { target } = run;
  if (!target.importPasswordHash)
    return note(report, `${target.backend} cannot take password hashes: flagged for a reset`);
  if (run.dryRun || targetId === undefined) return note(report, 'its password hash would be carried over');
  await run.retry(() =>
    target.importPasswordHash!({ kind: 'id', id: targetId }, { hash, scheme: 'salesforce' }, run.ctx),
  );
  delete report.passwordResetNeeded;
  report.passwordCarried = true;
}

/** A customer an earlier run created: add what a crash left out, else report it skipped. */
async function finishExisting(
  customer: Customer,
  mapped: MappedCustomer,
  targetId: string,
  run: CustomerStep,
  report: CustomerReport,
): Promise<CustomerReport> {
  let step: CustomerReport['step'] = 'complete';
  try {
    const { added, hasPassword } = await completeOnTarget(targetId, mapped.input, run);
    const done: CustomerReport = { ...report, targetId, outcome: 'skipped', reason: 'exists' };
    const hash = run.passwordHashes?.hashFor(customer);
    // Without a password on the target: its hash is carried now, or, where a crash cut its creation
    // short, it is flagged for a reset as the create would have. Cut short: none of its addresses
    // got there (a customer who only gained one since is not flagged again on every delta).
    const sourceAddresses = mapped.input.addresses ?? [];
    const halfCreated = sourceAddresses.length > 0 && sourceAddresses.every((_, i) => added.includes(`addresses.${i}`));
    if (hasPassword === false && (hash || halfCreated)) {
      step = 'password';
      await carryPassword(customer, targetId, run, done);
      if (hash && (done.passwordCarried || run.dryRun)) added.push('password hash');
    }
    if (added.length === 0) return done;
    if (run.dryRun) return { ...done, reason: `exists, would add ${added.join(', ')}` };
    delete done.reason;
    return { ...done, outcome: 'completed', added };
  } catch (error) {
    return { ...failure(report, step, error), targetId };
  }
}

/**
 * One customer, start to end: read with addresses, map, look for it on the target, create (or
 * finish what an interrupted run left half-done), carry its password hash. Never throws: every
 * way it can end is a report entry, so the run always goes on to the next one.
 */
export async function migrateCustomer(summary: Customer, run: CustomerStep): Promise<CustomerReport> {
  const { source, ctx, retry } = run;
  const base: CustomerReport = {
    sourceId: summary.id,
    email: summary.email,
    externalRef: migrationRef(summary, source.backend),
    outcome: 'failed',
  };

  let customer: Customer;
  try {
    customer = (await retry(() => source.getCustomer({ kind: 'id', id: summary.id }, { expandAddresses: true }, ctx)))
      .value;
  } catch (error) {
    if (isGatewayError(error) && error.code === 'not_found')
      return { ...base, outcome: 'skipped', reason: 'deleted on the source while migrating' };
    return failure(base, 'read', error);
  }
  const report: CustomerReport = {
    ...base,
    email: customer.email,
    externalRef: migrationRef(customer, source.backend),
  };

  let mapped: MappedCustomer;
  try {
    mapped = mapFor(customer, run);
  } catch (error) {
    return failure(report, 'map', error);
  }
  if (mapped.notes.length) report.notes = mapped.notes;

  const place = () => placeOnTarget(customer, mapped, report, run);
  // A claim that fails (the shared store is unreachable, the lease stays held) fails this customer only.
  return run.claim ? run.claim(customer, place).catch((error: unknown) => failure(report, 'lookup', error)) : place();
}

/** Looks the customer up on the target, then creates it there or completes what an earlier run left half done. */
async function placeOnTarget(
  customer: Customer,
  mapped: MappedCustomer,
  report: CustomerReport,
  run: CustomerStep,
): Promise<CustomerReport> {
  const { target, ctx, retry } = run;
  try {
    const existing = await retry(() =>
      findExisting(target, run.duplicateCheck, { externalRef: report.externalRef, email: report.email }, ctx),
    );
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
    // Only a reference proves the migration made it: a customer matched by email is left as it is.
    // Unless another source customer carries the same reference: then it was made for that one (an
    // email changed on the source since is the same customer, and is updated).
    const placedFor = run.placedRefs?.get(report.externalRef);
    if (
      existing?.kind === 'ref' &&
      ((placedFor !== undefined && placedFor !== customer.id) ||
        (existing.email?.toLowerCase() !== report.email.toLowerCase() &&
          (await retry(() => sharedOnSource(run.source, report.externalRef, ctx)))))
    )
      return {
        ...report,
        outcome: 'failed',
        step: 'lookup',
        code: 'conflict',
        detail: `another customer on the source has the reference ${report.externalRef}, and the target's customer ${existing.id} (${existing.email}) carries it: left alone; give each its own reference`,
        errors: [{ path: 'externalRef', message: 'shared with another customer on the source' }],
        targetId: existing.id,
      };
    run.placedRefs?.set(report.externalRef, customer.id);
    if (existing?.kind === 'ref') return await finishExisting(customer, mapped, existing.id, run, report);
    if (existing) return { ...report, outcome: 'skipped', reason: 'exists (same email)', targetId: existing.id };
  } catch (error) {
    return failure(report, 'lookup', error);
  }

  if (run.dryRun) {
    await carryPassword(customer, undefined, run, report);
    return { ...report, outcome: 'would_create' };
  }
  let targetId: string;
  try {
    targetId = (await retry(() => target.createCustomer(mapped.input, ctx))).value.id;
  } catch (error) {
    return failure(report, 'create', error);
  }
  try {
    await carryPassword(customer, targetId, run, report);
  } catch (error) {
    return { ...failure(report, 'password', error), targetId, created: { customerId: targetId } };
  }
  return { ...report, outcome: 'created', targetId };
}
