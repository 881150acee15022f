import type { Log } from '../../adapters/types.js';
import { isSecretEvent } from '../../schemas/index.js';
import type { SharedStore } from '../store/types.js';
import { beyondIds } from './model.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { EventSink } from './sinks/types.js';

/** One customer whose delivery failed: its undelivered events (outbox seqs, in order) wait here. */
interface Parked {
  seqs: number[];
  attempts: number;
  /** When the next attempt is due (ms). */
  nextAt: number;
  /** Since when the customer's delivery fails (ms): an event is dead-lettered `deadAfterMs` after this or its recording, whichever is later. */
  since: number;
}

/**
 * What a lane keeps in the store: how far it read the outbox, who is waiting for a retry, and
 * since when the sink is down (kept there too: on Workers each invocation starts afresh).
 */
interface LaneState {
  cursor: number;
  parked: Record<string, Parked>;
  down?: {
    since: number;
    attempts: number;
    until: number;
    /** Per customer (order key), how often its first waiting event was tried while the sink was down. */
    tries?: Record<string, number>;
  };
}

export interface LaneOptions {
  store: SharedStore;
  outbox: Outbox;
  log: Log;
  backoff: { firstMs: number; maxMs: number };
  deadAfterMs: number;
  retentionMs: number;
}

/** Events read from the outbox per step. */
const BATCH = 200;

/** A lane that finds no state starts this far back (events recorded while the fleet started). */
const START_BACK_MS = 5 * 60_000;

const laneKey = (sink: string) => `events:lane:${sink}`;
/**
 * The parked customers, apart from the cursor: a step that only moves the cursor writes a few bytes
 * rather than every parked customer again (a receiver refusing one event type parks each customer
 * that gets one, for up to EVENTS_DEAD_AFTER_SECONDS: 10,000 of them were 1.7 MB per step).
 */
const parkedKey = (sink: string) => `events:lane:${sink}:parked`;
const initialCursor = (now: number) => (now - START_BACK_MS) * 1000;

/**
 * What the store says of a sink's lane (or a fresh start at `now`); the lane and the backlog stats
 * read it. A lane key without `split` was written by a gateway that kept the parked customers in it
 * (before they were apart, or an older instance of a fleet being upgraded, or rolled back to). Such
 * an instance never saw the customers a newer one had parked apart: its cursor moved past their
 * events without them, so they are taken back from the parked key beside its own.
 */
export async function loadLaneState(store: SharedStore, sink: string, now: number): Promise<LaneState> {
  const [text, parkedText] = await Promise.all([store.get(laneKey(sink)), store.get(parkedKey(sink))]);
  const state = text ? (JSON.parse(text) as LaneState & { split?: true }) : undefined;
  if (!state) return { cursor: initialCursor(now), parked: {} };
  const parkedApart = parkedText === undefined ? {} : (JSON.parse(parkedText) as Record<string, Parked>);
  state.parked = state.split ? parkedApart : mergeParked(parkedApart, state.parked ?? {});
  delete state.split;
  return state;
}

/** Both lists of parked customers; one parked in both waits for the events of both, in order. */
function mergeParked(a: Record<string, Parked>, b: Record<string, Parked>): Record<string, Parked> {
  const merged = { ...a };
  for (const [key, parked] of Object.entries(b)) {
    const other = merged[key];
    merged[key] = other
      ? {
          seqs: [...new Set([...other.seqs, ...parked.seqs])].sort((x, y) => x - y),
          attempts: Math.max(other.attempts, parked.attempts),
          nextAt: Math.min(other.nextAt, parked.nextAt),
          since: Math.min(other.since, parked.since),
        }
      : parked;
  }
  return merged;
}

/** The retry delay after `attempts` failures: doubling from `first` up to `max`, ±25 % jitter. */
const backoffMs = (attempts: number, { firstMs, maxMs }: { firstMs: number; maxMs: number }) =>
  Math.min(maxMs, firstMs * 2 ** Math.min(30, attempts - 1)) * (0.75 + Math.random() * 0.5);

/** Runs `work` over `items`, at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : 'delivery failed').slice(0, 200);

/**
 * Delivery to one sink, by the fleet's one dispatcher (it holds the lease). Each step retries the
 * customers whose time has come, then takes the next batch of the outbox: customers in parallel,
 * each customer's events one after another. A customer whose event fails is parked with its later
 * events (its order holds; others go on) and retried with backoff; an event failing for
 * `deadAfterMs` is dead-lettered. When nothing of a batch gets through, the sink is down: the
 * cursor stays and the whole lane backs off (the backlog stays in the store's outbox).
 */
export class Lane {
  private state: LaneState | undefined;
  /** The parked customers changed since the state was last saved. */
  private parkedChanged = false;
  private parkedSavedAt = 0;
  /** The last step read a whole batch: more may be waiting now. */
  behind = false;

  constructor(
    readonly sink: EventSink,
    private readonly options: LaneOptions,
  ) {}

  /** When this lane next has something due (ms), if it is waiting for a time rather than for events. */
  get wakeAt(): number | undefined {
    const until = this.state?.down?.until ?? 0;
    let next = until > Date.now() ? until : Infinity;
    // A loop, not Math.min(...): spread arguments overflow the stack past ~120,000 parked customers.
    for (const key in this.state?.parked) next = Math.min(next, this.state.parked[key]!.nextAt);
    return Number.isFinite(next) ? next : undefined;
  }

  /** Forgets what it knew (another instance may have moved on while this one did not hold the lease). */
  reset(): void {
    this.state = undefined;
    this.parkedChanged = false;
  }

  /** One step; true when it did something (the caller steps again at once). */
  async step(): Promise<boolean> {
    const now = Date.now();
    if (!this.state) {
      this.state = await loadLaneState(this.options.store, this.sink.name, now);
      // Written again at the first save after a load (moved out of an older lane key, or taken over).
      this.parkedChanged = true;
    }
    const state = this.state;
    if (now < (state.down?.until ?? 0)) return false;
    const retried = await this.retryDue(state, now);
    const outcome = await this.takeNew(state, now);
    if (retried || outcome !== 'idle') await this.save(state);
    return outcome === 'advanced';
  }

  private takes(entry: OutboxEntry): boolean {
    if (entry.to !== undefined && entry.to !== this.sink.name) return false;
    return this.sink.signed || !isSecretEvent(entry.event.type);
  }

  /**
   * One event to the sink. A sealed (secret-bearing) one is opened just before (only signed sinks
   * take it); one that cannot be opened any more (its token expired) is dead-lettered at once.
   */
  private async deliver(entry: OutboxEntry): Promise<void> {
    const event = entry.sealed === undefined ? entry.event : await this.options.outbox.open(entry);
    if (!event) return this.deadLetter(entry, new Error('its secret expired before it could be delivered'), 1);
    const kept = await this.sink.deliver(event);
    if (kept && beyondIds(event.data)) await this.keptCopy(entry, kept.copy);
    // Redacted by an erasure after an earlier delivery whose copy was never noted (the process died
    // in between): the sink answers with that copy, which still has the data.
    else if (kept?.earlier && entry.redacted) await this.sink.erase?.([kept.copy]);
    if (entry.sealed !== undefined) await this.options.outbox.delivered(entry, this.sink.name);
    if (entry.to !== undefined) await this.options.outbox.redeliveryDone(entry);
  }

  /**
   * The sink keeps a copy with personal data in it: listed for the customer's erasure. An erasure
   * that ran while it was on its way (this step read the event before) found no copy to delete and
   * redacted the outbox entry: the copy is deleted here instead.
   */
  private async keptCopy(entry: OutboxEntry, copy: string): Promise<void> {
    await this.options.outbox.keptCopy(entry.event, this.sink.name, copy);
    if ((await this.options.outbox.at(entry.seq))?.redacted) await this.sink.erase?.([copy]);
  }

  private async retryDue(state: LaneState, now: number): Promise<boolean> {
    const due = Object.entries(state.parked).filter(([, p]) => p.nextAt <= now);
    if (due.length > 0) this.parkedChanged = true;
    await eachLimited(due, this.sink.concurrency, async ([key, parked]) => {
      if (await this.retryParked(parked, now)) delete state.parked[key];
    });
    return due.length > 0;
  }

  /**
   * Delivers a parked customer's events in order; true when none is left. Each waits its own
   * EVENTS_DEAD_AFTER_SECONDS, from when the customer's delivery began failing or from when it was
   * recorded, whichever is later (as while the sink is down): the events queued behind a refused one
   * are not made to wait one dead-letter time each, which would take them past the retention.
   */
  private async retryParked(parked: Parked, now: number): Promise<boolean> {
    while (parked.seqs.length > 0) {
      const seq = parked.seqs[0]!;
      const entry = await this.options.outbox.at(seq);
      if (!entry) {
        // Only a lane that did not run for longer than the retention gets here: said, not silent.
        this.options.log.error(
          { seq, sink: this.sink.name },
          'an event left the outbox (EVENTS_RETENTION_HOURS) before it was delivered or dead-lettered',
        );
        parked.seqs.shift();
        continue;
      }
      try {
        await this.deliver(entry);
        // Through again: a later failure of this customer starts a new wait.
        parked.since = now;
      } catch (error) {
        parked.attempts++;
        if (now - Math.max(seq / 1000, parked.since) < this.options.deadAfterMs) {
          parked.nextAt = now + backoffMs(parked.attempts, this.options.backoff);
          return false;
        }
        await this.deadLetter(entry, error, parked.attempts);
      }
      parked.seqs.shift();
      parked.attempts = 0;
    }
    return true;
  }

  private async takeNew(state: LaneState, now: number): Promise<'advanced' | 'down' | 'idle'> {
    const batch = await this.options.outbox.read(state.cursor, BATCH);
    this.behind = batch.length === BATCH;
    if (batch.length === 0) return 'idle';
    const groups = new Map<string, OutboxEntry[]>();
    for (const entry of batch) {
      if (!this.takes(entry)) continue;
      const group = groups.get(entry.orderKey);
      if (group) group.push(entry);
      else groups.set(entry.orderKey, [entry]);
    }
    const open = [...groups].filter(([key]) => !state.parked[key]);
    const failed = new Map<string, { rest: OutboxEntry[]; error: unknown }>();
    let delivered = 0;
    await eachLimited(open, this.sink.concurrency, async ([key, entries]) => {
      for (let i = 0; i < entries.length; i++) {
        try {
          await this.deliver(entries[i]!);
          delivered++;
        } catch (error) {
          failed.set(key, { rest: entries.slice(i), error });
          return;
        }
      }
    });
    if (failed.size > 0 && delivered === 0) return this.sinkDown(state, batch, failed, now);
    const triedWhileDown = state.down?.tries ?? {};
    delete state.down;
    for (const [key, entries] of groups) {
      const parked = state.parked[key];
      if (!parked) continue;
      parked.seqs.push(...entries.map((e) => e.seq).filter((seq) => !parked.seqs.includes(seq)));
      this.parkedChanged = true;
    }
    if (failed.size > 0) this.parkedChanged = true;
    for (const [key, { rest }] of failed)
      state.parked[key] = {
        seqs: rest.map((e) => e.seq),
        attempts: (triedWhileDown[key] ?? 0) + 1,
        nextAt: now + backoffMs(1, this.options.backoff),
        since: now,
      };
    state.cursor = batch.at(-1)!.seq;
    return 'advanced';
  }

  /**
   * Nothing of the batch got through: keep the cursor and back off. Events that have waited
   * `deadAfterMs` since the outage began (or since they were recorded, if later) are dead-lettered.
   */
  private async sinkDown(
    state: LaneState,
    batch: OutboxEntry[],
    failed: Map<string, { error: unknown }>,
    now: number,
  ): Promise<'advanced' | 'down'> {
    const attempts = (state.down?.attempts ?? 0) + 1;
    // Only each customer's first waiting event was tried this round (in order per customer).
    const tries = { ...state.down?.tries };
    for (const key of failed.keys()) tries[key] = (tries[key] ?? 0) + 1;
    const down = (state.down = {
      since: state.down?.since ?? now,
      attempts,
      until: now + backoffMs(attempts, this.options.backoff),
      tries,
    });
    const expired = (e: OutboxEntry) => now - Math.max(e.seq / 1000, down.since) >= this.options.deadAfterMs;
    let through = 0;
    for (const entry of batch) {
      if (!expired(entry)) break;
      through = entry.seq;
      if (!this.takes(entry)) continue;
      const parked = state.parked[entry.orderKey];
      if (parked) {
        parked.seqs.push(entry.seq);
        this.parkedChanged = true;
      } else {
        // The letter counts this event's own tries; the customer's next event has had none yet.
        await this.deadLetter(entry, failed.get(entry.orderKey)?.error, tries[entry.orderKey] ?? 0);
        delete tries[entry.orderKey];
      }
    }
    if (through === 0) return 'down';
    state.cursor = through;
    return 'advanced';
  }

  private async deadLetter(read: OutboxEntry, error: unknown, attempts: number): Promise<void> {
    const reason = error === undefined ? 'not delivered while the sink was down' : reasonOf(error);
    const letter = (entry: OutboxEntry) => ({
      event: entry.event,
      sink: this.sink.name,
      reason,
      attempts,
      deadAt: new Date().toISOString(),
      // Sealed still: a redelivery while it can be opened delivers the secret.
      ...(entry.sealed === undefined ? {} : { sealed: entry.sealed }),
    });
    // As the outbox holds it now: an erasure while its delivery was tried has redacted it since this step read it.
    const entry = (await this.options.outbox.at(read.seq)) ?? read;
    await this.options.outbox.deadLetter(letter(entry));
    // An erasure between that read and the write did not see the letter: it is redacted here instead.
    const after = await this.options.outbox.at(read.seq);
    if (after?.redacted && !entry.redacted) await this.options.outbox.replaceDeadLetter(letter(after));
    // Never the data: it may be personal, or a secret.
    this.options.log.warn(
      { eventId: entry.event.id, type: entry.event.type, sink: this.sink.name, attempts, reason },
      'event dead-lettered: not delivered within EVENTS_DEAD_AFTER_SECONDS',
    );
  }

  private async save(state: LaneState): Promise<void> {
    const { store, retentionMs } = this.options;
    // The parked customers first: a crash between the two writes leaves a cursor that has not
    // moved past them (their events are read and parked again), never one that has and lost them.
    // Also once a minute: the memory store, when full, drops its oldest writes first.
    if (this.parkedChanged || Date.now() - this.parkedSavedAt > 60_000) {
      await store.set(parkedKey(this.sink.name), JSON.stringify(state.parked), retentionMs);
      this.parkedChanged = false;
      this.parkedSavedAt = Date.now();
    }
    // `parked: {}` for an older instance of the fleet reading it (it expects the member; it sees no one parked).
    await store.set(laneKey(this.sink.name), JSON.stringify({ ...state, parked: {}, split: true }), retentionMs);
  }
}
