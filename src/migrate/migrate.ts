import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { AdapterPage } from '../../adapters/types.js';
import { MAX_LIMIT, type Customer } from '../../schemas/index.js';
import { migrateCustomer, type CustomerStep } from './customer.js';
import { DUPLICATE_RISK_WARNING, duplicateCheckFor } from './existing.js';
import { READ_ONLY_CUSTOMER_FIELDS } from './map.js';
import { checkOmitPaths } from './omit.js';
import { withRateLimitRetry } from './retry.js';
import type { CustomerReport, MigrateOptions, MigrationCounts, MigrationResult, ResumePoint } from './types.js';

export const DEFAULT_BATCH_SIZE = 50;

/** The run cannot start as asked (source cannot list, resume point from another run, …): a usage error. */
export class MigrationSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationSetupError';
  }
}

const isoNow = () => new Date().toISOString();

function checkSetup(options: MigrateOptions, batchSize: number): void {
  const { source, target, resumeFrom, since } = options;
  if (source === target) throw new MigrationSetupError('source and target are the same backend');
  if (!source.capabilities.listCustomers) {
    const hint = source.capabilityHints?.listCustomers;
    throw new MigrationSetupError(`${source.backend} cannot list customers (capability listCustomers), so it cannot be a migration source${hint ? `: ${hint}` : ''}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_LIMIT) throw new MigrationSetupError(`batch size must be 1–${MAX_LIMIT}`);
  const omitProblems = checkOmitPaths(options.omit ?? []);
  if (omitProblems.length) throw new MigrationSetupError(`cannot omit ${omitProblems.join('; ')}`);
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new MigrationSetupError(`since "${since}" is not an ISO 8601 instant`);
  if (resumeFrom) {
    const run = `${source.backend} → ${target.backend}${since ? ` since ${since}` : ''}`;
    const saved = `${resumeFrom.source} → ${resumeFrom.target}${resumeFrom.since ? ` since ${resumeFrom.since}` : ''}`;
    if (resumeFrom.source !== source.backend || resumeFrom.target !== target.backend || resumeFrom.since !== since) {
      throw new MigrationSetupError(`the resume point belongs to the run ${saved}, not ${run}`);
    }
    if (resumeFrom.dryRun && !options.dryRun) {
      throw new MigrationSetupError('the resume point comes from a dry run, which created nothing: start the real run from the beginning');
    }
  }
}

/**
 * Copies customers (with their addresses) from one backend to another through the canonical
 * adapter contract. Safe to repeat: every customer carries a stable externalRef on the target and
 * is skipped when the target already has it. One customer failing never stops the others; a
 * source page that cannot be read ends the run with a resume point instead of throwing.
 */
export async function migrateCustomers(options: MigrateOptions): Promise<MigrationResult> {
  const { source, target, ctx, since } = options;
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  checkSetup(options, batchSize);

  const retry = <T>(call: () => Promise<T>) => withRateLimitRetry(call, ctx.signal, options.retry);
  const duplicateCheck = duplicateCheckFor(target);
  const counts: MigrationCounts = { read: 0, created: 0, wouldCreate: 0, skipped: 0, failed: 0, passwordResetNeeded: 0 };
  const customers: CustomerReport[] = [];
  const warnings = [
    `not carried over (the target sets its own): ${READ_ONLY_CUSTOMER_FIELDS.join(', ')}; passwords cannot be read from any backend, so customers who had one need a password reset`,
  ];
  if (duplicateCheck === 'none') warnings.push(DUPLICATE_RISK_WARNING);
  if (duplicateCheck === 'email') warnings.push(`${target.backend} cannot look customers up by externalRef: customers already there are recognised by email`);

  const startedAt = isoNow();
  const doneBefore = options.resumeFrom?.done ?? 0;
  let position: unknown = options.resumeFrom?.position ?? null;
  let skip = options.resumeFrom?.skip ?? 0;
  let pages = 0;
  let total: number | undefined;
  let complete = false;
  let stoppedBy: MigrationResult['stoppedBy'];
  const stopRequested = () => options.stop?.aborted || ctx.signal.aborted;
  const progress = (kind: 'customer' | 'page', last?: CustomerReport) =>
    options.onProgress?.({ kind, counts: { ...counts }, done: doneBefore + counts.read, total, pages, last });

  const step: CustomerStep = { source, target, ctx, dryRun, duplicateCheck, omit: options.omit, createInactive: options.createInactive, retry };

  const count = (report: CustomerReport) => {
    counts.read++;
    if (report.outcome === 'created') counts.created++;
    else if (report.outcome === 'would_create') counts.wouldCreate++;
    else if (report.outcome === 'skipped') counts.skipped++;
    else counts.failed++;
    if (report.passwordResetNeeded && (report.outcome === 'created' || report.outcome === 'would_create')) counts.passwordResetNeeded++;
  };

  pageLoop: for (;;) {
    if (options.maxCustomers !== undefined && counts.read >= options.maxCustomers) break;
    if (stopRequested()) {
      stoppedBy = { code: 'stopped', detail: 'stopped on request' };
      break;
    }
    let page: AdapterPage<Customer>;
    try {
      page = await retry(() => source.listCustomers({ limit: batchSize, position: position ?? undefined, updatedSince: since }, ctx));
    } catch (error) {
      const e = isGatewayError(error) ? error : new GatewayError('internal', String(error));
      stoppedBy = { code: e.code, detail: `reading a page of ${source.backend} customers failed: ${e.message}` };
      break;
    }
    pages++;
    total ??= page.total;
    for (; skip < page.items.length; skip++) {
      if (options.maxCustomers !== undefined && counts.read >= options.maxCustomers) break pageLoop;
      if (stopRequested()) {
        stoppedBy = { code: 'stopped', detail: 'stopped on request' };
        break pageLoop;
      }
      const report = await migrateCustomer(page.items[skip]!, step);
      customers.push(report);
      count(report);
      progress('customer', report);
    }
    progress('page');
    if (page.next === null || page.next === undefined) {
      complete = true;
      break;
    }
    position = page.next;
    skip = 0;
  }

  const resumeFrom: ResumePoint | null = complete
    ? null
    : { source: source.backend, target: target.backend, ...(since ? { since } : {}), dryRun, position, skip, done: doneBefore + counts.read };
  return {
    source: source.backend,
    target: target.backend,
    dryRun,
    ...(since ? { since } : {}),
    startedAt,
    finishedAt: isoNow(),
    duplicateCheck,
    counts,
    customers,
    warnings,
    complete,
    resumeFrom,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}
