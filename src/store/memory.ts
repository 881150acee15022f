import { createMemoryLogs } from './log.js';
import { storeOverTable, type Entry } from './table.js';
import type { SharedStore } from './types.js';

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
  const entries = new Map<string, Entry>();
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
  const store = storeOverTable(
    {
      get: (key) => entries.get(key),
      put(key, entry) {
        entries.delete(key);
        entries.set(key, entry);
        if (++writesSinceSweep >= 1000 || entries.size > maxKeys) {
          writesSinceSweep = 0;
          sweep();
        }
      },
      delete: (key) => entries.delete(key),
    },
    now,
  );
  const logs = createMemoryLogs(now, options.onLogFull);
  return {
    ...store,
    ...logs,
    async close() {
      entries.clear();
      logs.clear();
    },
  };
}
