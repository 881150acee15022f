import { isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter, Log } from '../../adapters/types.js';
import type { AttemptObserver } from '../../transport/attempt-observer.js';
import type { Address, Customer } from '../../schemas/index.js';
import { stableJson } from '../digest.js';
import { createLeaseHolder } from '../store/lease.js';
import type { SharedStore } from '../store/types.js';
import type { EventDraft } from './model.js';
import { changedBetween, type Snapshot, type Snapshots } from './snapshots.js';

export interface PollerOptions {
  store: SharedStore;
  log: Log;
  backends: Map<string, CustomerAdapter>;
  snapshots: Snapshots;
  /** Records drafts in the outbox; events of one customer version get the same ids if recorded again. */
  record(drafts: EventDraft[], idempotencyKey: string): Promise<void>;
  intervalMs: number;
  leaseMs: number;
  /** Its upstream attempts traced and counted like a request's (deps.observeAttempt). */
  observeAttempt?: AttemptObserver | undefined;
}

/** Changes are listed from this long before the watermark: late commits and whole-second clocks. */
const OVERLAP_MS = 60_000;
const PAGE = 100;
/** Changes are looked at once they are this old (at most; a quarter of the interval when that is shorter). */
const SETTLE_MS = 2_000;
/** A change time (whole seconds on SCAYLE and Open2b) is final once its second is surely over. */
const FINAL_AFTER_MS = 2_000;
/** A poll's own deadline, upstream retries included. */
const POLL_TIMEOUT_MS = 5 * 60_000;

const watermarkKey = (backend: string) => `events:watermark:${backend}`;
const POLLED_AT = 'events:polled-at';
/** Customers a poll could not compare (their own fault, not the platform's): retried by id at the next polls. */
const retryKey = (backend: string) => `events:poll-retry:${backend}`;
/** How long a customer that cannot be compared is retried (from when a poll failed on it). */
const RETRY_FOR_MS = 7 * 86_400_000;
/**
 * Failed retries by id a poll makes before it stops retrying (after its listing). Retries that
 * succeed are not counted: after the platform failed on every changed customer for a while (each
 * went to the retry set), the first poll it answers again announces all of them, not 100 a poll.
 */
const RETRY_FAILURES_PER_POLL = 100;

/**
 * Errors of one customer rather than of the platform or the poll (a record that does not map, one
 * deleted meanwhile, one the platform fails on): the poll goes on without it and the next polls
 * retry it by id. Anything else (an outage, the budget spent, the poll's deadline) ends the poll,
 * which the next one repeats from the same watermark.
 */
const CUSTOMER_ERRORS = new Set(['not_found', 'upstream_contract_violation', 'upstream_error', 'rejected']);
const isCustomerError = (error: unknown) => isGatewayError(error) && CUSTOMER_ERRORS.has(error.code);

/** The gateway has written the customer since the platform listed it: its own event says so, with newer data. */
const writtenSinceListed = (snapshot: Snapshot | undefined, customer: Customer) => {
  const seen = snapshot?.w ?? snapshot?.u;
  return seen !== undefined && customer.updatedAt !== undefined && Date.parse(seen) > Date.parse(customer.updatedAt);
};

/**
 * Changes made outside the gateway: every `intervalMs`, one instance of the fleet (the holder of
 * the `events:poller` lease, who also finds the last poll long enough ago) lists each backend's
 * customers by change time since its watermark, compares each with its snapshot, and records
 * what differs (origin `poll`). What the gateway wrote itself is in the snapshot already.
 */
export function createPoller(options: PollerOptions) {
  const { store, snapshots } = options;
  const log = options.log.child({ component: 'events-poller' });
  const lease = createLeaseHolder(store, 'events:poller', options.leaseMs);
  const settleMs = Math.min(SETTLE_MS, options.intervalMs / 4);
  let renewedAt = 0;
  /** A long poll keeps its lease; one that lost it stops (another instance polls now). */
  const renewLease = async () => {
    if (Date.now() - renewedAt < options.leaseMs / 3) return;
    if (!(await lease.hold())) throw new Error('the poller lease was lost mid-poll');
    renewedAt = Date.now();
  };
  const polled = [...options.backends].filter(([, adapter]) => adapter.capabilities.listByUpdatedSince);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;

  const context = (): CallContext => ({
    ...(options.observeAttempt ? { observeAttempt: options.observeAttempt } : {}),
    requestId: `events-poll-${crypto.randomUUID()}`,
    signal: AbortSignal.timeout(POLL_TIMEOUT_MS),
    log,
    setResponseHeader: () => {},
  });

  async function allAddresses(adapter: CustomerAdapter, id: string, ctx: CallContext): Promise<Address[]> {
    const addresses: Address[] = [];
    let position: unknown;
    do {
      const page = await adapter.listAddresses({ kind: 'id', id }, { limit: PAGE, position }, ctx);
      addresses.push(...page.items);
      position = page.next;
    } while (position !== null && position !== undefined);
    return addresses;
  }

  /**
   * The drafts for one customer found in the change list; undefined when it is as last seen.
   * Fields are compared every time (no extra call); addresses are listed only when the platform's
   * change time moved since the snapshot (one call per changed customer).
   */
  async function compare(
    backend: string,
    adapter: CustomerAdapter,
    customer: Customer,
    since: number,
    ctx: CallContext,
  ) {
    const before = await snapshots.get(backend, customer.id);
    if (writtenSinceListed(before, customer)) return undefined;
    const base = { backend, customerId: customer.id, origin: 'poll' as const };
    if (before?.u !== undefined && before.u === customer.updatedAt) {
      const after: Snapshot = { ...before, f: (await snapshots.snapshotOf(customer, [])).f };
      const changed = changedBetween(before.f, after.f);
      if (changed.length === 0) return undefined;
      return { after, drafts: [{ ...base, type: 'customer.updated', changed, customer } satisfies EventDraft] };
    }
    const addresses = await allAddresses(adapter, customer.id, ctx);
    const after = await snapshots.snapshotOf(customer, addresses);
    if (!before) {
      // Never seen: new since the last poll, or changed in some way nobody can tell.
      const isNew = customer.createdAt !== undefined && Date.parse(customer.createdAt) >= since;
      if (!isNew) return { after, drafts: [{ ...base, type: 'customer.updated', customer } satisfies EventDraft] };
      const created: EventDraft = { ...base, type: 'customer.created', customer };
      return { after, drafts: [created, ...addressDrafts(base, {}, after, addresses)] };
    }
    const changed = changedBetween(before.f, after.f);
    const drafts: EventDraft[] = changed.length > 0 ? [{ ...base, type: 'customer.updated', changed, customer }] : [];
    return { after, drafts: [...drafts, ...addressDrafts(base, before.a, after, addresses)] };
  }

  /** Address events: ids not known before are new, known ones whose digests differ changed, missing ones are gone. */
  function addressDrafts(
    base: { backend: string; customerId: string; origin: 'poll' },
    known: Snapshot['a'],
    after: Snapshot,
    addresses: Address[],
  ): EventDraft[] {
    const drafts: EventDraft[] = [];
    for (const address of addresses) {
      const previous = known[address.id];
      const changed = previous && changedBetween(previous, after.a[address.id] ?? {});
      if (!previous) drafts.push({ ...base, type: 'customer.address.created', addressId: address.id, address });
      else if (changed && changed.length > 0)
        drafts.push({ ...base, type: 'customer.address.updated', addressId: address.id, changed, address });
    }
    for (const id of Object.keys(known))
      if (!after.a[id]) drafts.push({ ...base, type: 'customer.address.deleted', addressId: id });
    return drafts;
  }

  async function pollBackend(backend: string, adapter: CustomerAdapter): Promise<number> {
    const stored = await store.get(watermarkKey(backend));
    const keep = (at: string) => store.set(watermarkKey(backend), at, 30 * 86_400_000);
    // The first poll starts from now: what changed before the gateway watched is not news.
    if (!stored) return keep(new Date().toISOString()).then(() => 0);
    const since = Date.parse(stored) - OVERLAP_MS;
    const ctx = context();
    let newest = Date.parse(stored);
    let position: unknown;
    let recorded = 0;
    /**
     * Compares one customer and records what changed; false when it failed on this customer alone,
     * which is then kept (with this poll's `since`, for telling a new customer) for the next polls.
     */
    const pollCustomer = async (customer: Customer, from = since): Promise<boolean> => {
      try {
        const found = await compare(backend, adapter, customer, from, ctx);
        if (!found) return true;
        // Written through the gateway while this customer was compared: what was found is older
        // than what the gateway announced (recording it would put old data after new).
        if (writtenSinceListed(await snapshots.get(backend, customer.id), customer)) return true;
        // Ids derived from the state found: a poll that died before its snapshot was kept records the same ids again.
        await options.record(found.drafts, `poll ${backend} ${customer.id} ${stableJson(found.after)}`);
        // A whole-second change time this recent may still be shared by a later change: without it in
        // the snapshot, the next poll lists this customer's addresses again instead of skipping them.
        const final = customer.updatedAt !== undefined && Date.parse(customer.updatedAt) < Date.now() - FINAL_AFTER_MS;
        await snapshots.put(backend, customer.id, final ? found.after : { f: found.after.f, a: found.after.a });
        recorded += found.drafts.length;
        return true;
      } catch (error) {
        if (!isCustomerError(error)) throw error;
        // One customer the platform cannot give whole must not hold every later change back (the
        // watermark would never move, and each poll would list more).
        if (from === since) await store.addToSet(retryKey(backend), `${customer.id} ${from}`, RETRY_FOR_MS);
        log.warn({ err: error, backend, customerId: customer.id }, 'poll could not compare a customer; retried by id');
        return false;
      }
    };
    do {
      // Only backends that list by change time are polled (listByUpdatedSince implies listCustomers).
      const page = await adapter.listCustomers!(
        { limit: PAGE, position, updatedSince: new Date(since).toISOString() },
        ctx,
      );
      const settled = Date.now() - settleMs;
      for (const customer of page.items) {
        // Too recent: a write through the gateway may not have noted its state yet, and a whole-second
        // change time may still be shared by a later change. The next poll (its overlap) looks again.
        if (customer.updatedAt !== undefined && Date.parse(customer.updatedAt) > settled) continue;
        await renewLease();
        await pollCustomer(customer);
        if (customer.updatedAt) newest = Math.max(newest, Date.parse(customer.updatedAt));
      }
      position = page.next;
    } while (position !== null && position !== undefined);
    await keep(new Date(newest).toISOString());
    // Then, on their own budget of errors (RETRY_FAILURES_PER_POLL), the customers earlier polls could
    // not compare: after the listing, so that many of them (an address endpoint down for a while)
    // cannot keep the listing from running.
    let failed = 0;
    for (const member of await store.setMembers(retryKey(backend))) {
      if (failed >= RETRY_FAILURES_PER_POLL) break;
      const space = member.lastIndexOf(' ');
      const [id, from] = [member.slice(0, space), member.slice(space + 1)];
      await renewLease();
      try {
        const { value: customer } = await adapter.getCustomer({ kind: 'id', id }, { expandAddresses: false }, ctx);
        if (await pollCustomer(customer, Number(from))) await store.removeFromSet(retryKey(backend), member);
        else failed++;
      } catch (error) {
        // Deleted since: polling cannot tell what changed before (a delete elsewhere is not found either).
        if (isGatewayError(error) && error.code === 'not_found') await store.removeFromSet(retryKey(backend), member);
        else {
          failed++;
          log.warn({ err: error, backend, customerId: id }, 'poll retry of a customer failed; retried next poll');
        }
      }
    }
    return recorded;
  }

  /** One poll of every backend that can list by change time, unless another instance polled within the interval (`force`: regardless). */
  async function pollOnce(force = false): Promise<void> {
    if (polled.length === 0 || !(await lease.hold().catch(() => false))) return;
    renewedAt = Date.now();
    try {
      const last = Number((await store.get(POLLED_AT)) ?? 0);
      if (!force && Date.now() - last < options.intervalMs * 0.9) return;
      await store.set(POLLED_AT, String(Date.now()), Math.max(options.intervalMs * 10, 3_600_000));
      for (const [backend, adapter] of polled) {
        const recorded = await pollBackend(backend, adapter).catch((error: unknown) => {
          log.warn({ err: error, backend }, 'polling for changes made outside the gateway failed; next poll retries');
          return 0;
        });
        if (recorded > 0) log.info({ backend, events: recorded }, 'changes made outside the gateway found');
      }
    } finally {
      await lease.release().catch(() => undefined);
    }
  }

  return {
    /** Whether writes on this backend need a snapshot (its changes are polled). */
    polls: (backend: string) => polled.some(([name]) => name === backend),
    pollOnce,
    /** Node: polls every interval (jittered, so a fleet's instances do not all try at once). */
    start(): void {
      if (timer || polled.length === 0) return;
      const next = () => {
        timer = setTimeout(
          () => {
            running = pollOnce(false)
              .catch((error: unknown) => log.warn({ err: error }, 'event poll failed'))
              .finally(() => {
                running = undefined;
                if (timer) next();
              });
          },
          options.intervalMs * (0.9 + Math.random() * 0.2),
        );
      };
      next();
    },
    async stop(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
