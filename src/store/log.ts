import { createKeyedQueue } from './lease.js';
import type { Entry, EntryTable } from './table.js';
import type { LogEntry, SharedStore } from './types.js';

/**
 * The ordered-log operations of SharedStore (the event outbox), for the stores that live in one
 * place: process memory (arrays) and one Durable Object (its storage, listed in key order).
 * Redis runs the same steps in Lua (redis.ts).
 */
export type LogOperations = Pick<SharedStore, 'appendToLog' | 'readLog' | 'findInLog' | 'countLog' | 'replaceInLog'>;

/** Ids and log names end up in keys and Redis members: visible ASCII, no spaces. */
const NAME = /^[\x21-\x7e]{1,200}$/;
export function validateLogArgs(log: string, id?: string, retentionMs?: number) {
  if (!NAME.test(log)) throw new RangeError('log names are 1 to 200 visible ASCII characters');
  if (id !== undefined && !NAME.test(id)) throw new RangeError('log entry ids are 1 to 200 visible ASCII characters');
  if (retentionMs !== undefined && !(retentionMs > 0)) throw new RangeError('retentionMs must be positive');
}

/** The next sequence number: strictly after the last, and never below the clock (ms × 1000). */
const nextSeq = (last: number, nowMs: number) => Math.max(last + 1, Math.floor(nowMs) * 1000);

/** First index in `entries` (ascending seq) whose seq is > `after`. */
function firstAfter(entries: LogEntry[], after: number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (entries[mid]!.seq <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

interface MemoryLog {
  last: number;
  retentionMs: number;
  entries: LogEntry[];
  ids: Map<string, LogEntry>;
}

/** Entries kept per log in process memory (the oldest go first beyond it). */
const MAX_ENTRIES = 50_000;
/**
 * Past MAX_ENTRIES the oldest go 500 at once: dropping one per append moved the whole array on
 * every append (~70 µs each at 50,000 entries instead of ~1 µs).
 */
const TRIM_TO = MAX_ENTRIES - 500;

/**
 * Logs in process memory, each bounded by MAX_ENTRIES. `onFull` hears how many entries of which log
 * the bound dropped before their retention (undelivered change events among them, possibly).
 */
export function createMemoryLogs(
  now: () => number,
  onFull?: (log: string, dropped: number) => void,
): LogOperations & { clear(): void } {
  const logs = new Map<string, MemoryLog>();
  const trimmed = (name: string): MemoryLog | undefined => {
    const log = logs.get(name);
    if (!log) return undefined;
    const cutoff = (now() - log.retentionMs) * 1000;
    let drop = 0;
    while (drop < log.entries.length && log.entries[drop]!.seq < cutoff) drop++;
    if (log.entries.length - drop > MAX_ENTRIES) {
      onFull?.(name, log.entries.length - TRIM_TO - drop);
      drop = log.entries.length - TRIM_TO;
    }
    for (let i = 0; i < drop; i++) log.ids.delete(log.entries[i]!.id);
    if (drop > 0) log.entries.splice(0, drop);
    return log;
  };
  return {
    async appendToLog(name, id, value, retentionMs) {
      validateLogArgs(name, id, retentionMs);
      let log = trimmed(name);
      if (!log) logs.set(name, (log = { last: 0, retentionMs, entries: [], ids: new Map() }));
      log.retentionMs = retentionMs;
      const seen = log.ids.get(id);
      if (seen) return { seq: seen.seq, added: false };
      const entry = { seq: nextSeq(log.last, now()), id, value };
      log.last = entry.seq;
      log.entries.push(entry);
      log.ids.set(id, entry);
      // Within the bound once appended, not only at the next read (and the operator told now).
      if (log.entries.length > MAX_ENTRIES) trimmed(name);
      return { seq: entry.seq, added: true };
    },
    async readLog(name, after, limit) {
      validateLogArgs(name);
      const log = trimmed(name);
      if (!log) return [];
      const start = firstAfter(log.entries, after);
      return log.entries.slice(start, start + limit).map((e) => ({ ...e }));
    },
    async findInLog(name, id) {
      validateLogArgs(name, id);
      const found = trimmed(name)?.ids.get(id);
      return found && { ...found };
    },
    async countLog(name, after, cap) {
      validateLogArgs(name);
      const log = trimmed(name);
      return log ? Math.min(cap, log.entries.length - firstAfter(log.entries, after)) : 0;
    },
    async replaceInLog(name, id, value) {
      validateLogArgs(name, id);
      // The array and the index hold the same entry object.
      const found = trimmed(name)?.ids.get(id);
      if (found) found.value = value;
      return found !== undefined;
    },
    clear: () => logs.clear(),
  };
}

/** A table that can also list keys in order (a Durable Object's storage). */
export interface OrderedEntryTable extends EntryTable {
  /** Up to `limit` entries whose keys start with `prefix` and sort after `startAfter`, in key order. */
  list(prefix: string, startAfter: string, limit: number): Promise<[string, Entry][]>;
}

/** Sequence numbers as fixed-width keys, so key order is seq order. */
const seqKey = (seq: number) => String(seq).padStart(17, '0');

/**
 * Logs over an ordered key → entry table, one key per entry: `<log>|last`, `<log>|e|<seq>` (the
 * entry) and `<log>|i|<id>` (its seq, for idempotent appends). Every key is an Entry that expires
 * with the retention, so the table's own sweeping removes old entries.
 */
export function logsOverOrderedTable(table: OrderedEntryTable, now: () => number = Date.now): LogOperations {
  const queue = createKeyedQueue();
  const serial = <R>(fn: () => Promise<R>) => queue.run('log', fn);
  const live = async (key: string) => {
    const entry = await table.get(key);
    return entry && entry.expiresAt > now() ? entry : undefined;
  };
  /** Visits live entries after `after`, page by page, until `limit` were visited or the end. */
  const scan = async (log: string, after: number, limit: number, visit: (seq: number, entry: Entry) => void) => {
    const prefix = `${log}|e|`;
    let from = `${prefix}${seqKey(after)}`;
    for (let visited = 0; visited < limit; ) {
      const asked = Math.min(500, limit - visited);
      const page = await table.list(prefix, from, asked);
      for (const [key, entry] of page) {
        if (entry.expiresAt <= now()) continue;
        visit(Number(key.slice(prefix.length)), entry);
        visited++;
      }
      if (page.length < asked) break;
      from = page.at(-1)![0];
    }
  };
  const entryAt = async (log: string, seq: number): Promise<LogEntry | undefined> => {
    const entry = await live(`${log}|e|${seqKey(seq)}`);
    if (!entry) return undefined;
    const { id, value } = JSON.parse(entry.value) as { id: string; value: string };
    return { seq, id, value };
  };
  return {
    appendToLog: (log, id, value, retentionMs) =>
      serial(async () => {
        validateLogArgs(log, id, retentionMs);
        const seen = await live(`${log}|i|${id}`);
        if (seen) return { seq: Number(seen.value), added: false };
        const at = now();
        const seq = nextSeq(Number((await live(`${log}|last`))?.value ?? 0), at);
        const expiresAt = at + retentionMs;
        await table.put(`${log}|e|${seqKey(seq)}`, { value: JSON.stringify({ id, value }), expiresAt });
        await table.put(`${log}|i|${id}`, { value: String(seq), expiresAt });
        await table.put(`${log}|last`, { value: String(seq), expiresAt });
        return { seq, added: true };
      }),
    readLog: async (log, after, limit) => {
      validateLogArgs(log);
      const found: LogEntry[] = [];
      await scan(log, after, limit, (seq, entry) => {
        const { id, value } = JSON.parse(entry.value) as { id: string; value: string };
        found.push({ seq, id, value });
      });
      return found;
    },
    findInLog: async (log, id) => {
      validateLogArgs(log, id);
      const seq = await live(`${log}|i|${id}`);
      return seq ? entryAt(log, Number(seq.value)) : undefined;
    },
    countLog: async (log, after, cap) => {
      validateLogArgs(log);
      let count = 0;
      await scan(log, after, cap, () => count++);
      return count;
    },
    replaceInLog: (log, id, value) =>
      serial(async () => {
        validateLogArgs(log, id);
        const seq = await live(`${log}|i|${id}`);
        const key = seq && `${log}|e|${seqKey(Number(seq.value))}`;
        const entry = key && (await live(key));
        if (!key || !entry) return false;
        await table.put(key, { value: JSON.stringify({ id, value }), expiresAt: entry.expiresAt });
        return true;
      }),
  };
}
