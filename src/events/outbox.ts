import { type CustomerEvent, type DeadLetter, isSecretEvent } from '../../schemas/index.js';
import type { SharedStore } from '../store/types.js';
import { orderKeyOf } from './model.js';
import type { Sealer } from './seal.js';

/**
 * The outbox: every event, in the order the gateway recorded them, in one ordered log of the
 * shared store (written before the write's answer, so a crash after answering loses nothing).
 * The pull feed reads it; each sink's dispatcher lane reads it with its own cursor. A dead letter
 * handed back for redelivery is appended again, addressed to the one sink it died on (`to`).
 * Secret-bearing events are kept sealed (seal.ts). Every entry about a customer is also listed in
 * the customer's index (`aboutKey`), for the export and the erasure (held.ts).
 */
export const OUTBOX_LOG = 'events:outbox';
export const DEAD_LOG = 'events:dead';
/** How an index member naming a sink's copy starts (aboutKey). */
export const COPY_MEMBER = 'copy:';

export interface OutboxRecord {
  event: CustomerEvent;
  /** A redelivery: only this sink takes it (the pull feed leaves it out). */
  to?: string;
  /** A secret-bearing event's data, sealed (seal.ts); `event.data` then holds its ids only. */
  sealed?: string;
  /** An erasure redacted it to ids (held.ts): a sink may still keep an earlier copy with the data. */
  redacted?: true;
}

/** A dead letter as the store keeps it: with the sealed data of a secret event, for its redelivery. */
export type StoredDeadLetter = DeadLetter & { sealed?: string };

/**
 * The index of what is kept about one customer: members are `<log> <entry id>` (outbox entries and
 * dead letters) and `copy:<sink> <copy>` (copies a sink keeps, events/sinks/types.ts).
 */
export const aboutKey = (event: Pick<CustomerEvent, 'source' | 'subject'>) =>
  `events:about:${encodeURIComponent(event.source)}:${encodeURIComponent(event.subject)}`;

/** Set while a dead letter's redelivery copy waits in the outbox: asked again, nothing more is queued. */
const pendingKey = (letterId: string) => `events:redelivering:${letterId}`;

export interface OutboxEntry extends OutboxRecord {
  seq: number;
  orderKey: string;
}

const parse = (seq: number, value: string): OutboxEntry => {
  const record = JSON.parse(value) as OutboxRecord;
  return { ...record, seq, orderKey: orderKeyOf(record.event) };
};

/**
 * `sealer`: present when a signed sink is configured; without one a secret-bearing event is
 * refused rather than kept in clear (the account events do not emit it then).
 */
export function createOutbox(store: SharedStore, retentionMs: number, sealer?: Sealer) {
  /** Appends, and lists the entry in its customer's index (at the same time: the index only points). */
  const keep = async (log: string, id: string, event: CustomerEvent, value: string): Promise<boolean> => {
    const [{ added }] = await Promise.all([
      store.appendToLog(log, id, value, retentionMs),
      store.addToSet(aboutKey(event), `${log} ${id}`, retentionMs),
    ]);
    return added;
  };
  const recordOf = async (event: CustomerEvent): Promise<OutboxRecord> => {
    if (!isSecretEvent(event.type)) return { event };
    if (!sealer) throw new Error(`${event.type} carries a secret: it needs a signed sink to be recorded`);
    return sealer.seal(event);
  };
  return {
    retentionMs,
    /** Whether secret-bearing events can be recorded (and so delivered): a signed sink is configured. */
    sealsSecrets: sealer !== undefined,
    /** One after another: the events of one write keep their order. */
    async append(events: CustomerEvent[]): Promise<void> {
      for (const event of events) await keep(OUTBOX_LOG, event.id, event, JSON.stringify(await recordOf(event)));
    },
    /** The event as a sink gets it: a sealed one opened (undefined once it cannot be any more). */
    async open(entry: OutboxRecord): Promise<CustomerEvent | undefined> {
      if (entry.sealed === undefined) return entry.event;
      return sealer?.open(entry.event, entry.sealed);
    },
    /** A signed sink took a sealed event (seal.ts shreds it once every one has). */
    async delivered(entry: OutboxRecord, sink: string): Promise<void> {
      if (entry.sealed !== undefined) await sealer?.delivered(entry.event.id, sink);
    },
    /** A sink keeps a copy of the event, with personal data in it, that it can remove (`EventSink.erase`). */
    async keptCopy(event: CustomerEvent, sink: string, copy: string): Promise<void> {
      await store.addToSet(aboutKey(event), `${COPY_MEMBER}${sink} ${copy}`, retentionMs);
    },
    /** Nobody can open the event's sealed data again (its customer was erased). */
    shred: async (eventId: string) => sealer?.shred(eventId),
    async read(after: number, limit: number): Promise<OutboxEntry[]> {
      return (await store.readLog(OUTBOX_LOG, after, limit)).map((e) => parse(e.seq, e.value));
    },
    async at(seq: number): Promise<OutboxEntry | undefined> {
      const [entry] = await store.readLog(OUTBOX_LOG, seq - 1, 1);
      return entry?.seq === seq ? parse(entry.seq, entry.value) : undefined;
    },
    count: (after: number, cap: number) => store.countLog(OUTBOX_LOG, after, cap),

    async deadLetter(letter: StoredDeadLetter): Promise<void> {
      const id = `${letter.event.id}@${letter.sink}`;
      if (await keep(DEAD_LOG, id, letter.event, JSON.stringify(letter))) return;
      // Dead again after a redelivery: the letter (in its place) says why and when now, and is no
      // longer marked redelivered (nor waiting: it may be handed back again).
      await store.replaceInLog(DEAD_LOG, id, JSON.stringify(letter));
      await store.delete(`events:redelivered:${id}`);
      await store.delete(pendingKey(id));
    },
    /** A redelivery copy (`to`) reached its sink: the letter may be handed back again. */
    async redeliveryDone(entry: OutboxRecord): Promise<void> {
      if (entry.to !== undefined) await store.delete(pendingKey(`${entry.event.id}@${entry.to}`));
    },
    /** Writes a dead letter again in place (its event redacted since it was written). */
    async replaceDeadLetter(letter: StoredDeadLetter): Promise<void> {
      await store.replaceInLog(DEAD_LOG, `${letter.event.id}@${letter.sink}`, JSON.stringify(letter));
    },
    async readDead(after: number, limit: number): Promise<{ seq: number; letter: DeadLetter }[]> {
      const entries = await store.readLog(DEAD_LOG, after, limit);
      return Promise.all(
        entries.map(async (e) => {
          const { sealed: _sealed, ...letter } = JSON.parse(e.value) as StoredDeadLetter;
          const redeliveredAt = await store.get(`events:redelivered:${e.id}`);
          return { seq: e.seq, letter: redeliveredAt ? { ...letter, redeliveredAt } : letter };
        }),
      );
    },
    countDead: (cap: number) => store.countLog(DEAD_LOG, 0, cap),
    /**
     * Hands the dead letters of event `id` back to their sinks; answers those sinks (none: no such
     * dead letter, or none whose event `visible` lets the caller touch). A letter whose copy still
     * waits to be delivered is not queued again (a retried request, a second click): one copy at a
     * time, so a receiver gets it once more, not once per request.
     */
    async redeliver(id: string, sinks: string[], visible: (event: CustomerEvent) => boolean = () => true) {
      const handed: string[] = [];
      for (const sink of sinks) {
        const found = await store.findInLog(DEAD_LOG, `${id}@${sink}`);
        if (!found) continue;
        const { event, sealed } = JSON.parse(found.value) as StoredDeadLetter;
        if (!visible(event)) continue;
        handed.push(sink);
        const at = new Date().toISOString();
        // Its own id, the time alone is not: a second copy asked within the millisecond the first
        // was delivered would be taken for that one by the log's idempotent append, and not queued.
        const copyId = `${id}@${sink}@${at}@${crypto.randomUUID().slice(0, 8)}`;
        if (!(await store.setIfAbsent(pendingKey(found.id), copyId, retentionMs))) {
          const waiting = await store.get(pendingKey(found.id));
          // That copy is still in the outbox (waiting, or on its way): nothing more. Not there (the
          // process died before writing it, or it aged out undelivered): it is handed back again.
          if (waiting !== undefined && (await store.findInLog(OUTBOX_LOG, waiting))) continue;
          await store.set(pendingKey(found.id), copyId, retentionMs);
        }
        const record: OutboxRecord = { event, to: sink, ...(sealed === undefined ? {} : { sealed }) };
        try {
          await keep(OUTBOX_LOG, copyId, event, JSON.stringify(record));
        } catch (error) {
          // Not queued after all: a retry may hand it back.
          await store.delete(pendingKey(found.id)).catch(() => undefined);
          throw error;
        }
        await store.set(`events:redelivered:${found.id}`, at, retentionMs);
      }
      return handed;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
