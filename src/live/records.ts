import type { SharedStore } from '../store/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A move is remembered this long after its last touch (every key of the store expires). */
export const RECORD_TTL_MS = 400 * DAY_MS;
/** "Not moved yet" saves the target lookup of unmoved customers for this long; a move overwrites it at once. */
const NOT_MOVED_TTL_MS = 60 * 60 * 1000;
/** A record older than this is written again on a touch (so reads rarely write). */
const REFRESH_AFTER_MS = DAY_MS;
/** Reads of moved customers trust this instance's copy of their record this long (see `movedForRead`). */
const READ_CACHE_MS = 30_000;
const READ_CACHE_SIZE = 10_000;

/**
 * What the shared store knows about one source customer:
 * - `moving`: a move began and has not been seen to end (a crash): the next touch completes it;
 * - `moved`: it lives on the target as `t`; `a` pairs source and target address ids where the
 *   target numbers addresses itself; `pw`: the target holds its password (set at sign-in or later);
 *   `sp`: the source customer had a password when it moved;
 * - `none`: not moved when last looked (short-lived, saves a target lookup);
 * - `deleted`: deleted through `live` after it moved.
 */
export interface MoveRecord {
  state: 'moving' | 'moved' | 'none' | 'deleted';
  t?: string;
  a?: [source: string, target: string][];
  /** Addresses created after the move and mirrored to the source: their ids there (mirror mode). */
  m?: [source: string, target: string][];
  pw?: true;
  sp?: true;
  /** When it moved (ms): a list walk filtered by updatedSince tells moves during the walk from earlier ones. */
  mt?: number;
  /** When written (ms), to refresh long-lived records now and then. */
  at: number;
}

export const COUNTERS = ['moved', 'passwordsCarried', 'loginsVerifiedAtSource', 'mirrorFailures'] as const;
export type Counter = (typeof COUNTERS)[number];

/**
 * The identity map of one migration pair over the shared store: source id → move record, target
 * id → source id, the counters of the status route and the move lease. Keys are namespaced by the
 * pair, so a second migration (or a batch run to another target) never reads this one's records.
 * Losing them loses nothing: every moved customer carries its migration reference on the target.
 */
export function createIdentityMap(
  store: SharedStore,
  source: string,
  target: string,
  /** Told of every count (Prometheus: `gateway_live_migration_moves_total`). */
  counted?: (counter: Counter, by: number) => void,
) {
  const prefix = `live:${source}>${target}:`;
  const key = (kind: string, id: string) => `${prefix}${kind}:${encodeURIComponent(id)}`;
  /** Moved records this instance read lately, for reads only: a move is never undone, only deleted. */
  const recent = new Map<string, { record: MoveRecord; until: number }>();
  const put = async (sourceId: string, record: Omit<MoveRecord, 'at'>) => {
    const full: MoveRecord = { ...record, at: Date.now() };
    recent.delete(sourceId);
    await store.set(
      key('m', sourceId),
      JSON.stringify(full),
      record.state === 'none' ? NOT_MOVED_TTL_MS : RECORD_TTL_MS,
    );
    if (record.t !== undefined) await store.set(key('t', record.t), sourceId, RECORD_TTL_MS);
    return full;
  };
  return {
    leaseKey: (sourceId: string) => key('lease', sourceId),

    async get(sourceId: string): Promise<MoveRecord | undefined> {
      const text = await store.get(key('m', sourceId));
      return text === undefined ? undefined : (JSON.parse(text) as MoveRecord);
    },

    put,

    /**
     * The record for a read: a moved customer's from this instance's recent copy, saving the
     * store's round trip on the hot path. Never used to decide a write or a sign-in (those read
     * the store: another instance may have set the password since); a customer deleted on another
     * instance meanwhile is then simply not found on the target.
     */
    async forRead(sourceId: string): Promise<MoveRecord | undefined> {
      const hit = recent.get(sourceId);
      if (hit && hit.until > Date.now()) return hit.record;
      const record = await this.get(sourceId);
      if (record?.state === 'moved') {
        if (recent.size >= READ_CACHE_SIZE) recent.delete(recent.keys().next().value!);
        recent.set(sourceId, { record, until: Date.now() + READ_CACHE_MS });
      } else recent.delete(sourceId);
      return record;
    },

    /** Remembers "not moved" unless a record appeared meanwhile (a move that just ended must win). */
    async markNotMoved(sourceId: string): Promise<void> {
      await store.setIfAbsent(key('m', sourceId), JSON.stringify({ state: 'none', at: Date.now() }), NOT_MOVED_TTL_MS);
    },

    /** Keeps a record of a customer in use from expiring (written again at most once a day). */
    async touch(sourceId: string, record: MoveRecord): Promise<void> {
      if (record.state === 'moved' && Date.now() - record.at > REFRESH_AFTER_MS) {
        const { at: _at, ...rest } = record;
        await put(sourceId, rest);
      }
    },

    /** The source id of a moved customer's target id; '' for a customer that began on the target. */
    async sourceOf(targetId: string): Promise<string | undefined> {
      return store.get(key('t', targetId));
    },

    /**
     * Erasure (GDPR Art. 17): what the map knows of a customer goes, on either side. A source id
     * also takes its target's reverse entry, a target id its source's record.
     */
    async forget(side: 'source' | 'target', id: string): Promise<number> {
      const sourceId = side === 'source' ? id : await store.get(key('t', id));
      const record = sourceId ? await this.get(sourceId) : undefined;
      const targetId = side === 'target' ? id : record?.t;
      const keys = [
        ...(sourceId ? [key('m', sourceId), key('lease', sourceId)] : []),
        ...(targetId !== undefined ? [key('t', targetId)] : []),
      ];
      if (sourceId) recent.delete(sourceId);
      for (const name of keys) await store.delete(name);
      return record || targetId !== undefined ? 1 : 0;
    },

    /** Remembers that a target customer began there (registered through `live`): never on the source. */
    async markNative(targetId: string): Promise<void> {
      await store.set(key('t', targetId), '', RECORD_TTL_MS);
    },

    async count(counter: Counter, by = 1): Promise<void> {
      await store.increment(key('count', counter), by, RECORD_TTL_MS);
      // A customer deleted or erased after its move leaves the count; the metric counts moves made.
      if (by > 0) counted?.(counter, by);
    },

    async counts(): Promise<Record<Counter, number>> {
      const values = await Promise.all(COUNTERS.map((c) => store.get(key('count', c))));
      return Object.fromEntries(COUNTERS.map((c, i) => [c, Number(values[i] ?? 0)])) as Record<Counter, number>;
    },
  };
}

export type IdentityMap = ReturnType<typeof createIdentityMap>;
