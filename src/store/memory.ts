import { createMemoryLogs } from './log.js';
import { storeOverTable, type Entry } from './table.js';
import { positiveTtl, type SharedStore } from './types.js';

export interface MemoryStoreOptions {
  /** Clock in ms (tests move it). */
  now?: () => number;
  /** Most live keys kept; the oldest writes go first beyond it (a bound, not a cache policy). */
  maxKeys?: number;
  /**
   * Told how many live keys a sweep dropped to stay within `maxKeys`: what went may have been an
   * idempotency record, a session or a live migration's mapping, so an operator must hear of it.
   */
  onEvict?: (count: number) => void;
  /** Told how many entries of a log (the events' outbox) its 50,000-entry bound dropped before their retention. */
  onLogFull?: (log: string, dropped: number) => void;
}

/** An index set: its members (member → when it expires, ms) beside the entry that bounds its life. */
interface SetEntry extends Entry {
  members: Map<string, number>;
  /** How many members it kept when expired ones last went. */
  prunedAt: number;
}

/**
 * The zero-config store: one process's memory. Right for a single instance; a fleet needs Redis or
 * Durable Objects. No timers (so it runs on Workers too): expired keys are dropped when touched
 * and swept as writes go by.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SharedStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  // Past the bound, the oldest 1 % go at once: a sweep walks every key, and evicting one per write
  // made each write past 100,000 keys walk them all (~1.2 ms a write instead of ~3 µs).
  const evictTo = maxKeys - Math.floor(maxKeys / 100);
  const entries = new Map<string, Entry | SetEntry>();
  let writesSinceSweep = 0;
  const sweep = () => {
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    if (entries.size <= maxKeys) return;
    // Still over the bound: Map order is insertion order, so the oldest writes go first.
    let evicted = 0;
    for (const key of entries.keys()) {
      if (entries.size <= evictTo) break;
      entries.delete(key);
      evicted++;
    }
    options.onEvict?.(evicted);
  };
  const put = (key: string, entry: Entry | SetEntry) => {
    entries.delete(key);
    entries.set(key, entry);
    if (++writesSinceSweep >= 1000 || entries.size > maxKeys) {
      writesSinceSweep = 0;
      sweep();
    }
  };
  const store = storeOverTable({ get: (key) => entries.get(key), put, delete: (key) => entries.delete(key) }, now);
  const dropExpired = (members: Map<string, number>, at: number) => {
    for (const [member, until] of members) if (until <= at) members.delete(member);
  };
  /** The set at `key` without its expired members; undefined when there is none (or nothing left of it). */
  const liveSet = (key: string): SetEntry | undefined => {
    const entry = entries.get(key);
    if (!entry || !('members' in entry)) return undefined;
    dropExpired(entry.members, now());
    if (entry.members.size > 0) return entry;
    entries.delete(key);
    return undefined;
  };
  // Index sets natively (storeOverTable keeps a set as one JSON value, parsed and rewritten whole
  // by every add: a customer with a long history, an index member per event, made each add walk
  // thousands). Semantics as SharedStore says; test/store/suite.ts runs them for every store.
  const sets: Pick<SharedStore, 'addToSet' | 'setMembers' | 'removeFromSet'> = {
    async addToSet(key, member, ttlMs) {
      const at = now();
      const until = at + positiveTtl(ttlMs);
      const found = entries.get(key);
      const entry: SetEntry =
        found && 'members' in found && found.expiresAt > at
          ? found
          : { value: '', expiresAt: 0, members: new Map(), prunedAt: 1 };
      entry.members.set(member, until);
      entry.expiresAt = Math.max(entry.expiresAt, until);
      // Expired members go once the set has doubled since they last went: a set added to for days
      // and never read holds about twice its live members, at O(1) a write on average.
      if (entry.members.size >= 2 * entry.prunedAt) {
        dropExpired(entry.members, at);
        entry.prunedAt = Math.max(1, entry.members.size);
      }
      // Written anew: the newest write, last to go past maxKeys (as a set rewritten whole was).
      put(key, entry);
    },
    async setMembers(key) {
      return [...(liveSet(key)?.members.keys() ?? [])];
    },
    async removeFromSet(key, member) {
      const entry = liveSet(key);
      if (entry?.members.delete(member) && entry.members.size === 0) entries.delete(key);
    },
  };
  const logs = createMemoryLogs(now, options.onLogFull);
  return {
    ...store,
    ...sets,
    ...logs,
    async close() {
      entries.clear();
      logs.clear();
    },
  };
}
