import type { CustomerEvent, DeadLetter } from '../../schemas/index.js';
import type { SharedStore } from '../store/types.js';
import { orderKeyOf } from './model.js';

/**
 * The outbox: every event, in the order the gateway recorded them, in one ordered log of the
 * shared store (written before the write's answer, so a crash after answering loses nothing).
 * The pull feed reads it; each sink's dispatcher lane reads it with its own cursor. A dead letter
 * handed back for redelivery is appended again, addressed to the one sink it died on (`to`).
 */
export const OUTBOX_LOG = 'events:outbox';
export const DEAD_LOG = 'events:dead';

export interface OutboxRecord {
  event: CustomerEvent;
  /** A redelivery: only this sink takes it (the pull feed leaves it out). */
  to?: string;
}

export interface OutboxEntry extends OutboxRecord {
  seq: number;
  orderKey: string;
}

const parse = (seq: number, value: string): OutboxEntry => {
  const record = JSON.parse(value) as OutboxRecord;
  return { ...record, seq, orderKey: orderKeyOf(record.event) };
};

export function createOutbox(store: SharedStore, retentionMs: number) {
  return {
    retentionMs,
    /** One after another: the events of one write keep their order. */
    async append(events: CustomerEvent[]): Promise<void> {
      for (const event of events)
        await store.appendToLog(OUTBOX_LOG, event.id, JSON.stringify({ event } satisfies OutboxRecord), retentionMs);
    },
    async read(after: number, limit: number): Promise<OutboxEntry[]> {
      return (await store.readLog(OUTBOX_LOG, after, limit)).map((e) => parse(e.seq, e.value));
    },
    async at(seq: number): Promise<OutboxEntry | undefined> {
      const [entry] = await store.readLog(OUTBOX_LOG, seq - 1, 1);
      return entry?.seq === seq ? parse(entry.seq, entry.value) : undefined;
    },
    count: (after: number, cap: number) => store.countLog(OUTBOX_LOG, after, cap),

    async deadLetter(letter: DeadLetter): Promise<void> {
      await store.appendToLog(DEAD_LOG, `${letter.event.id}@${letter.sink}`, JSON.stringify(letter), retentionMs);
    },
    async readDead(after: number, limit: number): Promise<{ seq: number; letter: DeadLetter }[]> {
      const entries = await store.readLog(DEAD_LOG, after, limit);
      return Promise.all(
        entries.map(async (e) => {
          const letter = JSON.parse(e.value) as DeadLetter;
          const redeliveredAt = await store.get(`events:redelivered:${e.id}`);
          return { seq: e.seq, letter: redeliveredAt ? { ...letter, redeliveredAt } : letter };
        }),
      );
    },
    countDead: (cap: number) => store.countLog(DEAD_LOG, 0, cap),
    /** Hands the dead letters of event `id` back to their sinks; answers those sinks (none: no such dead letter). */
    async redeliver(id: string, sinks: string[]): Promise<string[]> {
      const handed: string[] = [];
      for (const sink of sinks) {
        const found = await store.findInLog(DEAD_LOG, `${id}@${sink}`);
        if (!found) continue;
        const { event } = JSON.parse(found.value) as DeadLetter;
        const at = new Date().toISOString();
        const record: OutboxRecord = { event, to: sink };
        await store.appendToLog(OUTBOX_LOG, `${id}@${sink}@${at}`, JSON.stringify(record), retentionMs);
        await store.set(`events:redelivered:${found.id}`, at, retentionMs);
        handed.push(sink);
      }
      return handed;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
