import { GatewayError } from '../../adapters/errors.js';
import { logsOverOrderedTable, type OrderedEntryTable } from './log.js';
import { setsOverOrderedTable } from './sets.js';
import { storeOverTable, type Entry, type EntryTable } from './table.js';
import { type SharedStore, STORE_OPERATIONS, type StoreOperation } from './types.js';

/** The parts of the Workers runtime used here (structural, so Node type-checks and tests it too). */
interface DurableStorage {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  list<T>(options?: { limit?: number; start?: string; startAfter?: string; prefix?: string }): Promise<Map<string, T>>;
  getAlarm(): Promise<number | null>;
  setAlarm(when: number): Promise<void>;
}
interface DurableState {
  storage: DurableStorage;
}
export interface StoreNamespace {
  idFromName(name: string): unknown;
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

type Operation = { [K in StoreOperation]: { op: K; args: Parameters<SharedStore[K]> } }[StoreOperation];
/** Every operation of SharedStore but close, each one call to the object that owns its key. */
const OPERATIONS = new Set<string>(Object.keys(STORE_OPERATIONS));
/** How often an object drops its expired keys (reads already ignore them). */
const SWEEP_EVERY_MS = 60 * 60_000;

/**
 * One shard of the Durable Objects store: a Durable Object holding the keys that hash to it in
 * its transactional storage. A Durable Object runs one request at a time in one place, which is
 * what makes set-if-absent, compare-and-delete and the buckets atomic fleet-wide. Exported by the
 * Worker entry and bound as GATEWAY_STORE (wrangler.toml).
 */
export class SharedStoreObject {
  private readonly store: Omit<SharedStore, 'close'>;

  constructor(
    private readonly state: DurableState,
    _env: unknown,
  ) {
    const storage = state.storage;
    const table: EntryTable = {
      get: (key) => storage.get<Entry>(key),
      put: async (key, entry) => {
        await storage.put(key, entry);
        if ((await storage.getAlarm()) === null) await storage.setAlarm(Date.now() + SWEEP_EVERY_MS);
      },
      delete: (key) => storage.delete(key),
    };
    const ordered: OrderedEntryTable = {
      ...table,
      list: async (prefix, startAfter, limit) => [...(await storage.list<Entry>({ prefix, startAfter, limit }))],
    };
    const keys = storeOverTable(table);
    // Index sets one entry per member, beside their key: deleting a set's key deletes its members.
    const sets = setsOverOrderedTable(ordered);
    this.store = {
      ...keys,
      ...sets,
      delete: async (key) => {
        await keys.delete(key);
        await sets.deleteSet(key);
      },
      // The event outbox: one log lives in the one object its name hashes to, in key order.
      ...logsOverOrderedTable(ordered),
    };
  }

  async fetch(request: Request): Promise<Response> {
    const operation = (await request.json()) as Operation;
    if (!OPERATIONS.has(operation.op) || !Array.isArray(operation.args))
      return Response.json({ error: 'unknown operation' }, { status: 400 });
    try {
      const result = await (this.store[operation.op] as (...args: unknown[]) => Promise<unknown>)(...operation.args);
      return Response.json({ result: result ?? null });
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : 'failed' }, { status: 400 });
    }
  }

  /** Drops expired keys, a page at a time, and comes back while any key is left. */
  async alarm(): Promise<void> {
    const now = Date.now();
    let left = false;
    for (let start: string | undefined; ; ) {
      const page = await this.state.storage.list<Entry>({ limit: 500, ...(start ? { start } : {}) });
      for (const [key, entry] of page) {
        if (key === start) continue;
        if (entry.expiresAt <= now) await this.state.storage.delete(key);
        else left = true;
      }
      if (page.size < 500) break;
      start = [...page.keys()].at(-1);
    }
    if (left) await this.state.storage.setAlarm(now + SWEEP_EVERY_MS);
  }
}

export interface DurableObjectStoreOptions {
  /** Every key of this deployment starts with it (objects are named by it too). */
  prefix: string;
  /** Key ranges (one Durable Object each); fixed for a deployment, a change remaps keys. */
  shards?: number;
}

/** FNV-1a: a stable, cheap spread of keys over the shards. */
function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/**
 * The Workers store: keys spread by hash over `shards` Durable Objects (one object per key range),
 * each operation one call to the object that owns the key.
 */
export function createDurableObjectStore(namespace: StoreNamespace, options: DurableObjectStoreOptions): SharedStore {
  const shards = options.shards ?? 32;
  // A stub per call: Workers refuse I/O through an object created while serving another request.
  const stubOf = (key: string) =>
    namespace.get(namespace.idFromName(`${options.prefix}shard-${shardOf(key, shards)}`) as never);
  const call = async (operation: Operation): Promise<any> => {
    const key = `${options.prefix}${operation.args[0]}`;
    const response = await stubOf(key)
      .fetch('https://shared-store/', {
        method: 'POST',
        body: JSON.stringify({ ...operation, args: [key, ...operation.args.slice(1)] }),
      })
      .catch((error: unknown) => {
        throw new GatewayError('upstream_unavailable', 'the shared store (Durable Objects) is unreachable', {
          cause: error,
          retryAfter: 1,
        });
      });
    const answer = (await response.json()) as { result?: unknown; error?: string };
    if (!response.ok) throw new RangeError(answer.error ?? `shared store answered ${response.status}`);
    return answer.result ?? undefined;
  };
  const operations = Object.fromEntries(
    [...OPERATIONS].map((op) => [op, (...args: unknown[]) => call({ op, args } as Operation)]),
  ) as unknown as Omit<SharedStore, 'close'>;
  return { ...operations, close: async () => {} };
}
