import { type ErrorCode, GatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import { pairAddresses } from '../../migrate/lib/compare.js';
import { type CustomerStep, migrateCustomer, type MoveClaim } from '../../migrate/lib/customer.js';
import { duplicateCheckFor } from '../../migrate/lib/existing.js';
import { migrationRef } from '../../migrate/lib/map.js';
import type { CustomerReport } from '../../migrate/lib/types.js';
import type { Customer } from '../../schemas/index.js';
import { LeaseBusyError, withLease } from '../store/lease.js';
import type { SharedStore } from '../store/types.js';
import type { IdentityMap, MoveRecord } from './records.js';

export interface MoverOptions {
  source: CustomerAdapter;
  target: CustomerAdapter;
  store: SharedStore;
  identities: IdentityMap;
  omit?: string[];
  createInactive?: boolean;
  /** How long a move may hold its lease if its holder dies (a move is a handful of upstream calls). */
  leaseTtlMs: number;
  /** Renew the lease this often while moving (a batch run's moves wait out rate limits): see withLease. */
  renewEveryMs?: number;
  /** How long a mover waits for another one's lease before giving up with 409. */
  waitMs: number;
}

/** Steps of a failed move after which the target holds part of the customer: the next touch completes it. */
const PARTLY_WRITTEN: CustomerReport['step'][] = ['complete', 'password'];

/**
 * A failed move as the problem the caller gets (upstream_unavailable stays a 503, and so on). A
 * field of the stored customer the target cannot hold is no fault of the request: 422, naming it.
 */
function moveFailure(report: CustomerReport, target: string): GatewayError {
  // What the target cannot hold (a value, or more addresses than it keeps: refused at `map`) is this
  // customer's data, not an operation the backend lacks: 422, never a 501 telling clients to stop.
  const unstorable = report.code === 'validation_failed' || report.step === 'map';
  const hint = unstorable ? ' (LIVE_MIGRATION_OMIT can leave such fields out of moves)' : '';
  return new GatewayError(
    unstorable ? 'rejected' : ((report.code ?? 'internal') as ErrorCode),
    `moving customer ${report.sourceId} to ${target} failed (${report.step ?? 'move'}): ${report.detail ?? 'unknown'}${hint}`,
    // No `created`: the caller created nothing; what the target holds is completed by the next touch.
    { errors: report.errors },
  );
}

/**
 * Moves customers from the source to the target, one mover at a time per customer across the
 * fleet and the batch migrator: the move itself is the batch migrator's (`migrateCustomer`: map,
 * look up by the migration reference, create or complete what a crash left half done), run under a
 * lease in the shared store, with a `moving` record written before and `moved` after. A crash
 * leaves `moving` (or nothing, when nothing was written), and the next mover finds the half-done
 * customer by its reference and completes it: no customer is ever created twice.
 */
export function createMover(options: MoverOptions) {
  const { source, target, identities } = options;
  const renumbers = !target.capabilities.addressRename;

  /** Source and target address ids, paired by content (targets that number addresses themselves). */
  async function addressPairs(from: Customer, targetId: string, ctx: CallContext) {
    if (!renumbers) return undefined;
    const onTarget = await target.getCustomer({ kind: 'id', id: targetId }, { expandAddresses: true }, ctx);
    const { pairs } = pairAddresses(from.addresses ?? [], onTarget.value.addresses ?? []);
    return pairs.map(([s, t]): [string, string] => [s.id, t.id]);
  }

  /** Runs `fn` holding the customer's move lease (its record changes under it too). */
  async function exclusive<R>(sourceId: string, ctx: CallContext, fn: () => Promise<R>, waitMs = options.waitMs) {
    try {
      return await withLease(
        options.store,
        identities.leaseKey(sourceId),
        { ttlMs: options.leaseTtlMs, waitMs, signal: ctx.signal, renewEveryMs: options.renewEveryMs },
        fn,
      );
    } catch (error) {
      if (error instanceof LeaseBusyError)
        throw new GatewayError('conflict', `customer ${sourceId} is being moved by another request; retry shortly`, {
          retryAfter: 1,
        });
      if (ctx.signal.aborted && !(error instanceof GatewayError))
        throw new GatewayError('upstream_timeout', 'the deadline passed while another request moved this customer');
      throw error;
    }
  }

  async function amendHeld(sourceId: string, change: (record: MoveRecord) => Partial<MoveRecord>) {
    const record = await identities.get(sourceId);
    if (record?.state !== 'moved') return;
    const { at: _at, ...rest } = record;
    await identities.put(sourceId, { ...rest, ...change(record) });
  }

  /** A batch row for a customer `live` moved or deleted already (undefined: it is the batch's to move). */
  async function handledByLive(customer: Customer): Promise<CustomerReport | undefined> {
    const known = await identities.get(customer.id);
    // The reference it carries (or would carry) on the target, as every other report row names it.
    const base = { sourceId: customer.id, email: customer.email, externalRef: migrationRef(customer, source.backend) };
    if (known?.state === 'moved')
      return { ...base, outcome: 'skipped', reason: 'moved by the live migration', targetId: known.t };
    if (known?.state === 'deleted')
      return { ...base, outcome: 'skipped', reason: 'deleted through the live migration' };
    return undefined;
  }

  /** A dry run's claim: no lease and nothing written, but what `live` did already is reported as the run would. */
  const lookFor = (): MoveClaim => async (customer, move) => (await handledByLive(customer)) ?? move();

  /** The claim every mover of this pair takes: the live adapter's moves and a coordinated batch run's. */
  const claimFor =
    (ctx: CallContext, waitMs?: number): MoveClaim =>
    (customer, move) =>
      exclusive(
        customer.id,
        ctx,
        async (): Promise<CustomerReport> => {
          const skipped = await handledByLive(customer);
          if (skipped) return skipped;
          await identities.put(customer.id, { state: 'moving' });
          const report = await move();
          if (report.outcome !== 'failed' && report.targetId !== undefined) {
            const a = await addressPairs(customer, report.targetId, ctx);
            await identities.put(customer.id, {
              state: 'moved',
              t: report.targetId,
              mt: Date.now(),
              ...(a ? { a } : {}),
              ...(customer.hasPassword ? { sp: true as const } : {}),
            });
            await identities.count('moved');
          } else if (!report.created && !PARTLY_WRITTEN.includes(report.step)) {
            // Nothing reached the target: the customer simply stays unmoved.
            await identities.put(customer.id, { state: 'none' });
          }
          return report;
        },
        waitMs,
      );

  return {
    claimFor,
    lookFor,
    exclusive,
    addressPairs,

    /**
     * Moves one customer now (or finds it moved); answers its record. Throws the move's problem.
     * `waitMs`: how long to wait for another mover's lease (a read that only completes a move waits not at all).
     */
    async move(sourceId: string, ctx: CallContext, waitMs?: number): Promise<MoveRecord> {
      const step: CustomerStep = {
        source,
        target,
        ctx,
        dryRun: false,
        duplicateCheck: duplicateCheckFor(target),
        omit: options.omit,
        createInactive: options.createInactive,
        // A request does not wait out a rate limit: the caller gets the 429 and its Retry-After.
        retry: (call) => call(),
        claim: claimFor(ctx, waitMs),
      };
      const summary = { id: sourceId, email: '', status: { active: true, guest: false } } as Customer;
      const report = await migrateCustomer(summary, step);
      if (report.outcome === 'failed') throw moveFailure(report, target.backend);
      const record = await identities.get(sourceId);
      if (record?.state === 'moved') return record;
      throw new GatewayError('not_found', `customer ${sourceId} does not exist`);
    },

    /** Changes a moved customer's record under its lease (address pairs, password flag). */
    amend: (sourceId: string, ctx: CallContext, change: (record: MoveRecord) => Partial<MoveRecord>) =>
      exclusive(sourceId, ctx, () => amendHeld(sourceId, change)),
    /** `amend` for a caller that holds the customer's lease already (`exclusive`). */
    amendHeld,
  };
}

export type Mover = ReturnType<typeof createMover>;
