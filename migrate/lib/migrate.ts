import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { AdapterPage } from '../../adapters/types.js';
import { capable } from '../../adapters/unsupported.js';
import { MAX_LIMIT, type Customer } from '../../schemas/index.js';
import { migrateCustomer, type CustomerStep } from './customer.js';
import { DUPLICATE_RISK_WARNING, duplicateCheckFor } from './existing.js';
import { READ_ONLY_CUSTOMER_FIELDS } from './map.js';
import { checkOmitPaths } from './omit.js';
import { withRateLimitRetry } from './retry.js';
import { createTimeline } from './timeline.js';
import type { CustomerReport, MigrateOptions, MigrationCounts, MigrationResult, ResumePoint } from './types.js';

export const DEFAULT_BATCH_SIZE = 50;
export const MAX_CONCURRENCY = 32;

/** The run cannot start as asked (source cannot list, resume point from another run, …): a usage error. */
export class MigrationSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationSetupError';
  }
}

const isoNow = () => new Date().toISOString();

/** Date.parse rolls 2024-02-30 over to March 1: the day must exist in its month. */
function isCalendarDate(instant: string): boolean {
  const [year, month, day] = instant.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

function checkSetup(options: MigrateOptions, batchSize: number): void {
  const { source, target, resumeFrom, since } = options;
  if (source === target) throw new MigrationSetupError('source and target are the same backend');
  if (!source.capabilities.listCustomers) {
    const hint = source.capabilityHints?.listCustomers;
    throw new MigrationSetupError(
      `${source.backend} cannot list customers (capability listCustomers), so it cannot be a migration source${hint ? `: ${hint}` : ''}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_LIMIT)
    throw new MigrationSetupError(`batch size must be 1–${MAX_LIMIT}`);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)
    throw new MigrationSetupError(`concurrency must be 1–${MAX_CONCURRENCY}`);
  const omitProblems = checkOmitPaths(options.omit ?? []);
  if (omitProblems.length) throw new MigrationSetupError(`cannot omit ${omitProblems.join('; ')}`);
  if (since !== undefined && (Number.isNaN(Date.parse(since)) || !isCalendarDate(since)))
    throw new MigrationSetupError(`since "${since}" is not an ISO 8601 instant`);
  // Refused before anything is read or written: a run stopped on its first page would leave a
  // resume point that every later run (with or without --since) trips over.
  if (since !== undefined && !source.capabilities.listByUpdatedSince)
    throw new MigrationSetupError(
      `${source.backend} cannot list customers by change time (capability listByUpdatedSince): --since cannot be used with it as a source; migrate it in full (re-runs skip the customers already there)`,
    );
  if (resumeFrom) {
    const run = `${source.backend} → ${target.backend}${since ? ` since ${since}` : ''}`;
    const saved = `${resumeFrom.source} → ${resumeFrom.target}${resumeFrom.since ? ` since ${resumeFrom.since}` : ''}`;
    if (resumeFrom.source !== source.backend || resumeFrom.target !== target.backend || resumeFrom.since !== since) {
      throw new MigrationSetupError(`the resume point belongs to the run ${saved}, not ${run}`);
    }
    if (resumeFrom.dryRun && !options.dryRun) {
      throw new MigrationSetupError(
        'the resume point comes from a dry run, which created nothing: start the real run from the beginning',
      );
    }
  }
}

/**
 * The most failed customers whose ids a run keeps for the next `--since last`. The state file holds
 * them and is rewritten after every customer: a thousand keep it near 20 KB. A run with more
 * failures than that has a cause common to them (a field the target refuses, a target down), and
 * the next `--since last` reads everything since this run's own start again instead.
 */
const MAX_FAILED_IDS = 1_000;

/**
 * Copies customers (with their addresses) from one backend to another through the canonical
 * adapter contract. Safe to repeat: every customer carries a stable externalRef on the target, is
 * skipped when the target already has it, and finished when an interrupted run left it half-done.
 * One customer failing never stops the others; a source page that cannot be read ends the run
 * with a resume point instead of throwing. With `concurrency` > 1 the customers of a page are
 * migrated side by side; the checkpoint only passes a customer once every one before it is done.
 */
export async function migrateCustomers(options: MigrateOptions): Promise<MigrationResult> {
  const { source, target, ctx, since } = options;
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  checkSetup(options, batchSize);

  const retry = <T>(call: () => Promise<T>) => withRateLimitRetry(call, ctx.signal, options.retry);
  const duplicateCheck = duplicateCheckFor(target);
  const counts: MigrationCounts = {
    read: 0,
    created: 0,
    completed: 0,
    wouldCreate: 0,
    skipped: 0,
    failed: 0,
    passwordResetNeeded: 0,
    passwordsCarried: 0,
  };
  const customers: CustomerReport[] = [];
  const warnings = [
    `not carried over (the target sets its own): ${READ_ONLY_CUSTOMER_FIELDS.join(', ')}; ` +
      (options.passwordHashes && target.importPasswordHash
        ? 'password hashes from the export are set on the target; customers without one there need a password reset'
        : 'passwords cannot be read from any backend, so customers who had one need a password reset'),
  ];
  if (options.passwordHashes && !target.importPasswordHash)
    warnings.push(`${target.backend} cannot take password hashes: customers in the export are flagged for a reset`);
  if (duplicateCheck === 'none') warnings.push(DUPLICATE_RISK_WARNING);
  if (duplicateCheck === 'email')
    warnings.push(
      `${target.backend} cannot look customers up by externalRef: customers already there are recognised by email`,
    );

  const startedAt = isoNow();
  const timeline = createTimeline();
  const doneBefore = options.resumeFrom?.done ?? 0;
  const failedBefore = options.resumeFrom?.failed ?? 0;
  // The failed customers' ids, for the next `--since last` to try by id: known unless a part this
  // run resumed failed some before ids were kept, or more failed than MAX_FAILED_IDS.
  const failedIds = [...(options.resumeFrom?.failedIds ?? [])];
  let idsKnown = failedIds.length === failedBefore;
  // What an earlier run left failed, still to be tried (a resumed run: what its point says is left);
  // once tried, the listing leaves them out.
  const toRetry = [...((options.resumeFrom ? options.resumeFrom.retry : options.retryIds) ?? [])];
  // Kept in the point, so a part resumed after the retries does not try them a second time.
  const retried = new Set<string>(options.resumeFrom?.retried);
  const runStartedAt = options.resumeFrom?.startedAt ?? startedAt;
  let position: unknown = options.resumeFrom?.position ?? null;
  let skip = options.resumeFrom?.skip ?? 0;
  let pages = 0;
  let started = 0;
  let total: number | undefined;
  let complete = false;
  let stoppedBy: MigrationResult['stoppedBy'];
  const stopRequested = () => options.stop?.aborted || ctx.signal.aborted;
  const limitReached = () => options.maxCustomers !== undefined && started >= options.maxCustomers;
  const progress = (kind: 'customer' | 'page', last?: CustomerReport) =>
    options.onProgress?.({ kind, counts: { ...counts }, done: doneBefore + counts.read, total, pages, last });
  const point = (): ResumePoint => ({
    source: source.backend,
    target: target.backend,
    ...(since ? { since } : {}),
    dryRun,
    position,
    skip,
    done: doneBefore + counts.read,
    startedAt: runStartedAt,
    ...(failedBefore + counts.failed > 0 ? { failed: failedBefore + counts.failed } : {}),
    ...(failedIds.length > 0 && idsKnown ? { failedIds: [...failedIds] } : {}),
    ...(toRetry.length > 0 ? { retry: [...toRetry] } : {}),
    ...(retried.size > 0 ? { retried: [...retried] } : {}),
  });

  const step: CustomerStep = {
    source,
    target,
    ctx,
    dryRun,
    duplicateCheck,
    omit: options.omit,
    createInactive: options.createInactive,
    passwordHashes: options.passwordHashes,
    retry,
    claim: options.claim,
    placedRefs: new Map(),
  };

  const count = (report: CustomerReport) => {
    counts.read++;
    if (report.outcome === 'failed' && idsKnown) {
      if (failedIds.length < MAX_FAILED_IDS) failedIds.push(report.sourceId);
      else {
        idsKnown = false;
        failedIds.length = 0;
      }
    }
    const key = (
      {
        created: 'created',
        completed: 'completed',
        would_create: 'wouldCreate',
        skipped: 'skipped',
        failed: 'failed',
      } as const
    )[report.outcome];
    counts[key]++;
    if (report.passwordResetNeeded && report.outcome !== 'failed' && report.outcome !== 'skipped')
      counts.passwordResetNeeded++;
    if (report.passwordCarried) counts.passwordsCarried++;
  };

  /** A customer's outcome: kept (as `keepCustomer` says), streamed, counted. */
  const record = (report: CustomerReport) => {
    if (options.keepCustomer?.(report) ?? true) customers.push(report);
    options.onCustomer?.(report);
    count(report);
  };
  /** Once a customer is done: the throughput chart, the checkpoint, the progress line. */
  const afterCustomer = (report: CustomerReport) => {
    timeline.note(counts.read);
    options.onCheckpoint?.(point());
    progress('customer', report);
  };

  // An earlier run's failures first, by id: one after another (few, and each may fail the same way).
  while (toRetry.length > 0 && !limitReached()) {
    if (stopRequested()) {
      stoppedBy = { code: 'stopped', detail: 'stopped on request' };
      break;
    }
    const id = toRetry[0]!;
    started++;
    // Known by its id alone: migrateCustomer reads it whole first (gone from the source: skipped).
    const report = await migrateCustomer({ id, email: '' } as Customer, step);
    record(report);
    toRetry.shift();
    retried.add(id);
    afterCustomer(report);
  }

  for (;;) {
    if (toRetry.length > 0) break;
    if (limitReached()) break;
    if (stopRequested()) {
      stoppedBy = { code: 'stopped', detail: 'stopped on request' };
      break;
    }
    let page: AdapterPage<Customer>;
    try {
      page = await retry(() =>
        capable(source, 'listCustomers')(
          { limit: batchSize, position: position ?? undefined, updatedSince: since },
          ctx,
        ),
      );
    } catch (error) {
      const e = isGatewayError(error) ? error : new GatewayError('internal', String(error));
      stoppedBy = { code: e.code, detail: `reading a page of ${source.backend} customers failed: ${e.message}` };
      break;
    }
    pages++;
    total ??= page.total;

    // Side by side within the page; `skip` moves past a customer only once all before it are done.
    const finished = page.items.map((_, i) => i < skip);
    let next = skip;
    const worker = async () => {
      while (next < page.items.length && !limitReached() && !stopRequested()) {
        const index = next++;
        const listed = page.items[index]!;
        let report: CustomerReport | undefined;
        // One tried again by id at the start of this run is not tried a second time, nor counted twice.
        if (!retried.has(listed.id)) {
          started++;
          report = await migrateCustomer(listed, step);
          record(report);
        }
        finished[index] = true;
        while (skip < finished.length && finished[skip]) skip++;
        if (report) afterCustomer(report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 1, page.items.length) }, worker));
    if (skip < page.items.length) {
      if (stopRequested() && !limitReached()) stoppedBy = { code: 'stopped', detail: 'stopped on request' };
      break;
    }
    progress('page');
    if (page.next === null || page.next === undefined) {
      complete = true;
      break;
    }
    position = page.next;
    skip = 0;
    options.onCheckpoint?.(point());
  }

  return {
    source: source.backend,
    target: target.backend,
    ...(target.platform ? { targetPlatform: target.platform } : {}),
    failedInRun: failedBefore + counts.failed,
    ...(idsKnown ? { failedIds: [...new Set(failedIds)] } : {}),
    dryRun,
    ...(since ? { since } : {}),
    startedAt,
    runStartedAt,
    finishedAt: isoNow(),
    duplicateCheck,
    counts,
    customers,
    timeline: timeline.finish(counts.read),
    warnings,
    complete,
    resumeFrom: complete ? null : point(),
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}
