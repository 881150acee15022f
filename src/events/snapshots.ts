import type { Address, Customer } from '../../schemas/index.js';
import murmurhash from 'murmurhash';
import { stableJson } from '../digest.js';
import { createKeyedQueue } from '../store/lease.js';
import type { SharedStore } from '../store/types.js';
import type { EventDraft } from './model.js';

/**
 * What the gateway last knew of a customer, for the poller: per canonical field path and per
 * address a short salted digest of the value (never the value: no personal data in the store),
 * and the platform's `updatedAt` at that time. A write through the gateway updates it, so the
 * poller finding that same state announces nothing; a field whose digest differs changed elsewhere.
 */
export interface Snapshot {
  /** The customer's updatedAt when last seen whole: the same again means nothing changed. */
  u?: string;
  /**
   * The customer's updatedAt after the gateway's last write of some of its fields (which leaves `u`
   * as it was: what else changed since is for the next poll to find, its addresses listed again).
   */
  w?: string;
  /** Field path → digest. */
  f: Record<string, string>;
  /** Address id → (field path → digest). */
  a: Record<string, Record<string, string>>;
}

/** Fields that are not changes of the customer (a login is not an update) or are not theirs to compare. */
const IGNORED = new Set(['id', 'createdAt', 'updatedAt', 'lastLoginAt', 'addresses']);

/** Canonical field paths and values, one level into objects (`phones.mobile`, `status.active`). */
function fieldsOf(resource: object): [string, unknown][] {
  const fields: [string, unknown][] = [];
  for (const [name, value] of Object.entries(resource)) {
    if (IGNORED.has(name) || value === undefined) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const [member, inner] of Object.entries(value)) fields.push([`${name}.${member}`, inner]);
    else fields.push([name, value]);
  }
  return fields;
}

/** Objects a write replaces whole (what it leaves out is cleared): a path into one stands for all of it. */
const WRITTEN_WHOLE = new Set(['phones', 'custom']);

/** Whether `path` is one a write of `written` paths set (see WRITTEN_WHOLE). */
function writtenBy(written: string[], path: string): boolean {
  const top = path.split('.')[0]!;
  return written.some((p) => p === path || (WRITTEN_WHOLE.has(top) && p.split('.')[0] === top));
}

/**
 * The digests known after a gateway write: `now`'s for the paths the write set (`written`; all of
 * them when it is not known), the known ones for the rest, so a change made elsewhere keeps its
 * old digest for the poller to find.
 */
function noteWritten(
  known: Record<string, string>,
  now: Record<string, string>,
  written: string[] | undefined,
): Record<string, string> {
  if (written === undefined) return now;
  const noted = { ...known };
  for (const path of new Set([...Object.keys(known), ...Object.keys(now)])) {
    if (!writtenBy(written, path)) continue;
    if (now[path] === undefined) delete noted[path];
    else noted[path] = now[path];
  }
  return noted;
}

/** Paths whose digest differs between two digests maps (added and removed ones too), sorted. */
export function changedBetween(before: Record<string, string>, after: Record<string, string>): string[] {
  const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...paths].filter((p) => before[p] !== after[p]).sort();
}

const SALT_KEY = 'events:snapshot-salt';

export function createSnapshots(store: SharedStore, retentionMs: number) {
  const key = (backend: string, customerId: string) => `events:seen:${backend}:${customerId}`;
  // The fleet's one salt, kept longer than any snapshot: digests of short values (a country, a
  // gender) cannot be looked up in a table made without it.
  let seed: Promise<number> | undefined;
  const seedOf = () =>
    (seed ??= (async () => {
      await store.setIfAbsent(SALT_KEY, crypto.randomUUID(), retentionMs * 10);
      return murmurhash.v3((await store.get(SALT_KEY)) ?? '');
    })().catch((error: unknown) => {
      seed = undefined;
      throw error;
    }));
  // A fast 32-bit hash seeded by the salt: every write pays for it. Whoever can read the store can
  // read the salt too, so a cryptographic hash would hide nothing more.
  const digests = async (resource: object): Promise<Record<string, string>> => {
    const salted = await seedOf();
    return Object.fromEntries(
      fieldsOf(resource).map(([path, value]) => [path, murmurhash.v3(stableJson(value), salted).toString(36)]),
    );
  };
  const digestOf = async (value: unknown) => murmurhash.v3(stableJson(value), await seedOf()).toString(36);
  const get = async (backend: string, customerId: string): Promise<Snapshot | undefined> => {
    const text = await store.get(key(backend, customerId));
    return text ? (JSON.parse(text) as Snapshot) : undefined;
  };
  const put = (backend: string, customerId: string, snapshot: Snapshot) =>
    store.set(key(backend, customerId), JSON.stringify(snapshot), retentionMs);
  // One customer's snapshot is read, changed and written by one write at a time (within this instance).
  const queue = createKeyedQueue();

  const apply = async (draft: EventDraft) => {
    const { backend, customerId } = draft;
    if (draft.type === 'customer.deleted') return store.delete(key(backend, customerId));
    if (draft.type === 'customer.created' && draft.customer)
      return put(backend, customerId, await snapshotOf(draft.customer, draft.customer.addresses ?? []));
    const snapshot = await get(backend, customerId);
    if (!snapshot) return; // Never seen: the poller will take it as it finds it.
    if (draft.type === 'customer.updated' && draft.customer) {
      // Only the fields this write changed: the customer as it now is may also show a change made
      // elsewhere since the last poll, which keeps its old digest so that poll still finds it.
      snapshot.f = noteWritten(snapshot.f, await digests(draft.customer), draft.changed);
      if (draft.customer.updatedAt !== undefined) snapshot.w = draft.customer.updatedAt;
    } else if (draft.type === 'customer.password.changed') {
      // Not news for the poller: the flag the platform now shows (where it shows one).
      if (snapshot.f.hasPassword === undefined) return;
      snapshot.f.hasPassword = await digestOf(true);
    } else if (draft.type === 'customer.address.deleted' && draft.addressId !== undefined) {
      delete snapshot.a[draft.addressId];
    } else if (draft.address) {
      if (draft.previousAddressId !== undefined) delete snapshot.a[draft.previousAddressId];
      const known = snapshot.a[draft.address.id];
      // An update: only the fields it changed (as for the customer above); a new or renamed address whole.
      const changed = draft.previousAddressId === undefined ? draft.changed : undefined;
      snapshot.a[draft.address.id] = noteWritten(known ?? {}, await digests(draft.address), known && changed);
      // One default of each kind per customer: the address that became it took it from the others,
      // a change the platform made because of this write (not news for the poller).
      for (const flag of ['isDefaultBilling', 'isDefaultShipping'] as const) {
        if (draft.address[flag] !== true) continue;
        const no = await digestOf(false);
        for (const [id, fields] of Object.entries(snapshot.a))
          if (id !== draft.address.id && fields[flag] !== undefined) fields[flag] = no;
      }
    } else return;
    await put(backend, customerId, snapshot);
  };

  const snapshotOf = async (customer: Customer, addresses: Address[]): Promise<Snapshot> => ({
    ...(customer.updatedAt !== undefined ? { u: customer.updatedAt } : {}),
    f: await digests(customer),
    a: Object.fromEntries(await Promise.all(addresses.map(async (a) => [a.id, await digests(a)] as const))),
  });

  return {
    get,
    put,
    snapshotOf,
    /** Erasure: the digests of an erased customer's fields go too (the poller takes what it finds next as new). */
    forget: (backend: string, customerId: string) => store.delete(key(backend, customerId)),
    /** After a write through the gateway: what it wrote is now known state. */
    async remember(drafts: EventDraft[]): Promise<void> {
      for (const draft of drafts)
        await queue.run(`${draft.backend} ${draft.customerId}`, () => apply(draft).then(() => undefined));
    },
  };
}

export type Snapshots = ReturnType<typeof createSnapshots>;
