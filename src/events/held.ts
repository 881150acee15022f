import type { CustomerEvent, ExportedEvent } from '../../schemas/index.js';
import type { SharedStore } from '../store/types.js';
import { beyondIds, eventSource, idsOnly } from './model.js';
import { aboutKey, COPY_MEMBER, type Outbox, type OutboxRecord, type StoredDeadLetter } from './outbox.js';
import type { EventSink } from './sinks/types.js';

/** One entry about a customer, as stored: an outbox record or a dead letter, both holding an event. */
interface HeldEntry {
  log: string;
  id: string;
  stored: OutboxRecord | StoredDeadLetter;
}

/**
 * What the events feature holds about one customer, through the customer's index (outbox.ts):
 * the events still kept (outbox and dead letters, within EVENTS_RETENTION_HOURS, delivered or
 * not) for the export, and their redaction to ids for the erasure, which also has the sinks that
 * keep copies with personal data (NATS JetStream) remove theirs.
 */
export function createHeldEvents(store: SharedStore, outbox: Outbox, source: string, sinks: EventSink[] = []) {
  const about = (backend: string, customerId: string) =>
    aboutKey({ source: eventSource(source, backend), subject: customerId });
  const split = (member: string) =>
    [member.slice(0, member.indexOf(' ')), member.slice(member.indexOf(' ') + 1)] as const;

  async function entries(backend: string, customerId: string): Promise<HeldEntry[]> {
    const key = about(backend, customerId);
    const found: HeldEntry[] = [];
    for (const member of await store.setMembers(key)) {
      if (member.startsWith(COPY_MEMBER)) continue;
      const [log, id] = split(member);
      const entry = await store.findInLog(log, id);
      // Past the retention: the index outlived it by a moment.
      if (!entry) await store.removeFromSet(key, member);
      else found.push({ log, id, stored: JSON.parse(entry.value) as HeldEntry['stored'] });
    }
    return found;
  }

  /** Has each sink remove the copies it keeps of the customer's events; answers how many went. */
  async function eraseCopies(backend: string, customerId: string): Promise<number> {
    const key = about(backend, customerId);
    const bySink = new Map<string, string[]>();
    for (const member of await store.setMembers(key)) {
      if (!member.startsWith(COPY_MEMBER)) continue;
      const [sink, copy] = split(member.slice(COPY_MEMBER.length));
      bySink.set(sink, [...(bySink.get(sink) ?? []), copy]);
    }
    let removed = 0;
    for (const [name, copies] of bySink) {
      const sink = sinks.find((s) => s.name === name);
      // A sink this instance does not have (configured elsewhere): its members stay for an erasure there.
      if (!sink?.erase) continue;
      removed += await sink.erase(copies);
      for (const copy of copies) await store.removeFromSet(key, `${COPY_MEMBER}${name} ${copy}`);
    }
    return removed;
  }

  return {
    /** The events about the customer still held, oldest first, each once (a dead letter is a copy); secrets never. */
    async about(backend: string, customerId: string): Promise<ExportedEvent[]> {
      const events = new Map<string, CustomerEvent>();
      for (const { stored } of await entries(backend, customerId)) events.set(stored.event.id, stored.event);
      return [...events.values()]
        .sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id))
        .map(({ id, type, time, data }) => ({ id, type, time, data }));
    },

    /**
     * Erasure: every held event about the customer keeps its ids only (no payload, email or sealed
     * token), in place: the sinks still get it, as ids. The copies sinks keep with more than ids
     * are removed. Answers how many events held more, plus how many copies were removed.
     */
    async redact(backend: string, customerId: string): Promise<number> {
      const redacted = new Set<string>();
      for (const { log, id, stored } of await entries(backend, customerId)) {
        if (!beyondIds(stored.event.data) && stored.sealed === undefined) continue;
        const { sealed: _sealed, ...kept } = stored;
        const value = { ...kept, redacted: true, event: { ...stored.event, data: idsOnly(stored.event.data) } };
        if (await store.replaceInLog(log, id, JSON.stringify(value))) redacted.add(stored.event.id);
        if (stored.sealed !== undefined) await outbox.shred(stored.event.id);
      }
      return redacted.size + (await eraseCopies(backend, customerId));
    },
  };
}

export type HeldEvents = ReturnType<typeof createHeldEvents>;
