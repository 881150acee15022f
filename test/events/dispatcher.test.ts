import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import type { Customer, CustomerEvent } from '../../schemas/index.js';
import { createHeldEvents } from '../../src/events/held.js';
import { createDispatcher } from '../../src/events/dispatcher.js';
import { Lane, loadLaneState } from '../../src/events/lane.js';
import { buildEvent, type EventDraft } from '../../src/events/model.js';
import { createOutbox, DEAD_LOG } from '../../src/events/outbox.js';
import { createSealer, type Sealer } from '../../src/events/seal.js';
import type { EventSink } from '../../src/events/sinks/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';
import { recordingSink } from './support.js';

/**
 * Issue 23 point 4, the dispatcher alone (memory store, test sinks): at least once, in order per
 * customer, retried with backoff, dead-lettered after EVENTS_DEAD_AFTER_SECONDS, one delivering
 * instance per fleet.
 */
const log = createLogger({ level: 'silent' });
const settings = { source: '/test', payload: 'ids' as const };
const SECRET = `whsec_${Buffer.from('dispatcher-secret-0123456789ab').toString('base64')}`;
const stops: (() => Promise<void>)[] = [];
let n = 0;
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  n = 0;
});

function setup(
  sinks: EventSink[],
  store: SharedStore = createMemoryStore(),
  deadAfterMs = 60_000,
  leaseMs = 1000,
  background = true,
  sealer?: Sealer,
) {
  const outbox = createOutbox(store, 3_600_000, sealer);
  const dispatcher = createDispatcher({
    store,
    log,
    outbox,
    sinks,
    backoff: { firstMs: 10, maxMs: 40 },
    deadAfterMs,
    retentionMs: 3_600_000,
    leaseMs,
  });
  const record = async (customerId: string, type: EventDraft['type'] = 'customer.updated') => {
    const event = buildEvent({ type, backend: 'memory', customerId }, `ev-${++n}-${customerId}`, new Date(), settings);
    await outbox.append([event]);
    dispatcher.wake();
    return event;
  };
  if (background) dispatcher.start();
  stops.push(() => dispatcher.stop(1000));
  return { store, outbox, dispatcher, record };
}

/** A lane's options over `store` and `outbox`, as the dispatcher gives them (short backoff, a minute to dead-letter). */
const laneOptions = (store: SharedStore, outbox: ReturnType<typeof createOutbox>) => ({
  store,
  outbox,
  log,
  backoff: { firstMs: 10, maxMs: 40 },
  deadAfterMs: 60_000,
  retentionMs: 3_600_000,
});

const ids = (events: CustomerEvent[], subject?: string) =>
  events.filter((e) => subject === undefined || e.subject === subject).map((e) => e.id);

/** Records a customer.created with the whole customer (EVENTS_PAYLOAD=full), then waits for its dead letter. */
async function deadLettersOfFullEvent(outbox: ReturnType<typeof createOutbox>, customerId: string, email: string) {
  const customer = { id: customerId, email, lastName: 'Erased' } as Customer;
  const full = { ...settings, payload: 'full' as const };
  await outbox.append([
    buildEvent(
      { type: 'customer.created', backend: 'memory', customerId, customer },
      `ev-full-${customerId}`,
      new Date(),
      full,
    ),
  ]);
  let dead = await outbox.readDead(0, 10);
  for (let i = 0; i < 100 && dead.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    dead = await outbox.readDead(0, 10);
  }
  return dead;
}

describe('event dispatcher', () => {
  it("a failing customer waits (its order holds) while other customers' events go on", async () => {
    const sink = recordingSink();
    let refusals = 2;
    sink.failing = (event) => event.id === 'ev-2-A' && refusals-- > 0;
    const { record } = setup([sink]);
    for (const customer of ['A', 'A', 'B', 'A', 'B']) await record(customer);
    await sink.until(5);
    expect(ids(sink.received, 'A')).toEqual(['ev-1-A', 'ev-2-A', 'ev-4-A']);
    expect(ids(sink.received, 'B')).toEqual(['ev-3-B', 'ev-5-B']);
    // B did not wait for A's retries.
    expect(ids(sink.received).indexOf('ev-3-B')).toBeLessThan(ids(sink.received).indexOf('ev-2-A'));
    expect(refusals).toBe(-1);
  });

  it('a steady stream of events is delivered in a few lane steps, not one per event', async () => {
    // Each step reads the outbox and writes the lane's state (a Redis round trip each on a fleet):
    // written per event, that was most of a delivery's cost. The lane's writes are counted here.
    const store = createMemoryStore();
    let laneWrites = 0;
    const counted: SharedStore = {
      ...store,
      set: (key, value, ttlMs) => {
        if (key === 'events:lane:test:recording') laneWrites++;
        return store.set(key, value, ttlMs);
      },
    };
    const sink = recordingSink();
    const { record } = setup([sink], counted);
    const customers = ['A', 'B', 'C', 'D'];
    for (let i = 0; i < 80; i++) await record(customers[i % 4]!);
    await sink.until(80);
    for (const customer of customers)
      expect(ids(sink.received, customer)).toEqual(
        Array.from({ length: 80 }, (_, i) => `ev-${i + 1}-${customers[i % 4]}`).filter((id) => id.endsWith(customer)),
      );
    expect(laneWrites).toBeLessThanOrEqual(10);
  });

  it('a sink that is down keeps the backlog in the store and gets all of it, in order, once it is back', async () => {
    const sink = recordingSink();
    let down = true;
    sink.failing = () => down;
    const { record, dispatcher } = setup([sink]);
    const customers = ['A', 'B', 'C'];
    for (let i = 0; i < 30; i++) await record(customers[i % 3]!);
    while (sink.attempts < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await dispatcher.backlog()).toEqual({ 'test:recording': 30 });
    down = false;
    await sink.until(30);
    for (const customer of customers)
      expect(ids(sink.received, customer)).toEqual(
        Array.from({ length: 30 }, (_, i) => `ev-${i + 1}-${customers[i % 3]}`).filter((id) => id.endsWith(customer)),
      );
    // The lane keeps its cursor once the batch is done.
    while ((await dispatcher.backlog())['test:recording'] !== 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it("a dead letter of a sink that stayed down counts its own event's tries, not the outage's rounds", async () => {
    const sink = recordingSink();
    const tried = new Map<string, number>();
    sink.failing = (event) => {
      tried.set(event.id, (tried.get(event.id) ?? 0) + 1);
      return true;
    };
    const { record, outbox } = setup([sink], createMemoryStore(), 150);
    for (const customer of ['A', 'A', 'B']) await record(customer);
    while ((await outbox.readDead(0, 10)).length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    const dead = await outbox.readDead(0, 10);
    // In order per customer: A's second event waited behind its first, and was tried only once that was gone.
    expect(tried.get('ev-1-A')).toBeGreaterThan(1);
    expect((tried.get('ev-2-A') ?? 0) < tried.get('ev-1-A')!).toBe(true);
    for (const { letter } of dead) expect(letter.attempts, letter.event.id).toBe(tried.get(letter.event.id) ?? 0);
  });

  it('an event refused past EVENTS_DEAD_AFTER_SECONDS is dead-lettered; the customer goes on; redelivery brings it', async () => {
    const sink = recordingSink();
    let poison = true;
    sink.failing = (event) => poison && event.id === 'ev-2-A';
    const { record, outbox, dispatcher } = setup([sink], createMemoryStore(), 150);
    for (const customer of ['A', 'A', 'A']) await record(customer);
    await sink.until(2);
    expect(ids(sink.received)).toEqual(['ev-1-A', 'ev-3-A']);
    const dead = await outbox.readDead(0, 10);
    expect(dead.map((d) => [d.letter.event.id, d.letter.sink, d.letter.reason])).toEqual([
      ['ev-2-A', 'test:recording', 'the test sink refuses'],
    ]);
    expect(dead[0]!.letter.attempts).toBeGreaterThan(1);
    poison = false;
    expect(await outbox.redeliver('ev-2-A', dispatcher.sinks)).toEqual(['test:recording']);
    dispatcher.wake();
    await sink.until(3);
    expect(ids(sink.received)).toEqual(['ev-1-A', 'ev-3-A', 'ev-2-A']);
    expect((await outbox.readDead(0, 10))[0]!.letter.redeliveredAt).toEqual(expect.any(String));
    expect(await outbox.redeliver('never-dead', dispatcher.sinks)).toEqual([]);
  });

  it('a redelivered event that dies again is dead-lettered again: its letter is new, no longer marked redelivered', async () => {
    const sink = recordingSink();
    sink.failing = () => true;
    const { record, outbox, dispatcher } = setup([sink], createMemoryStore(), 100);
    await record('A');
    const dead = async () => (await outbox.readDead(0, 10)).map((d) => d.letter);
    while ((await dead()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const [first] = await dead();
    expect(await outbox.redeliver('ev-1-A', dispatcher.sinks)).toEqual(['test:recording']);
    expect((await dead())[0]!.redeliveredAt).toEqual(expect.any(String));
    dispatcher.wake();
    // Still refused: after its wait it is dead again, and the one letter says so.
    while ((await dead())[0]!.deadAt === first!.deadAt) await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await dead();
    expect(again).toHaveLength(1);
    expect(again[0]).not.toHaveProperty('redeliveredAt');
    expect(again[0]!.event.id).toBe('ev-1-A');
  });

  it('a letter handed back again in the same millisecond as its delivered copy gets a copy of its own', async () => {
    // CI once saw it: the copy delivered while its request was answered, the next request within the millisecond.
    const outbox = createOutbox(createMemoryStore(), 3_600_000);
    const event = buildEvent(
      { type: 'customer.updated', backend: 'memory', customerId: 'A' },
      'ev-A',
      new Date(),
      settings,
    );
    await outbox.deadLetter({ event, sink: 'test:recording', reason: 'refused', attempts: 1, deadAt: event.time });
    const copies = async () => (await outbox.read(0, 100)).filter((e) => e.to === 'test:recording');
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-07T12:00:00.000Z') });
    try {
      expect(await outbox.redeliver('ev-A', ['test:recording'])).toEqual(['test:recording']);
      await outbox.redeliveryDone((await copies())[0]!); // as the lane does once its sink took it
      expect(await outbox.redeliver('ev-A', ['test:recording'])).toEqual(['test:recording']);
      expect(await copies()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an event whose customer was erased while its delivery was failing is dead-lettered with ids only', async () => {
    const store = createMemoryStore();
    const held = () => createHeldEvents(store, createOutbox(store, 3_600_000), '/test');
    let attempts = 0;
    // A sink that is down; while the first attempt is on its way, the customer is erased.
    const sink: EventSink = {
      name: 'test:down',
      signed: false,
      concurrency: 1,
      async deliver() {
        if (attempts++ === 0) await held().redact('memory', 'A');
        throw new Error('the test sink is down');
      },
      close: async () => {},
    };
    // Dead-lettered at the first failure: the step's copy of the event still has the data.
    const { outbox } = setup([sink], store, 0);
    const dead = await deadLettersOfFullEvent(outbox, 'A', 'erased@example.org');
    expect(dead.map((d) => d.letter.event.id)).toEqual(['ev-full-A']);
    expect(JSON.stringify(dead)).not.toContain('erased@example.org');
  });

  it('…and with ids only when the erasure comes between the dispatcher’s last look and its writing the letter', async () => {
    const memory = createMemoryStore();
    let erased = false;
    // The store as the dispatcher sees it: the erasure runs just before the dead letter is appended.
    const store: SharedStore = {
      ...memory,
      async appendToLog(log, id, value, retentionMs) {
        if (log === DEAD_LOG && !erased) {
          erased = true;
          await createHeldEvents(memory, createOutbox(memory, 3_600_000), '/test').redact('memory', 'B');
        }
        return memory.appendToLog(log, id, value, retentionMs);
      },
    };
    const sink = recordingSink();
    sink.failing = () => true;
    const { outbox } = setup([sink], store, 0);
    const dead = await deadLettersOfFullEvent(outbox, 'B', 'late@example.org');
    expect(erased).toBe(true);
    expect(dead.map((d) => d.letter.event.id)).toEqual(['ev-full-B']);
    expect(JSON.stringify(dead)).not.toContain('late@example.org');
  });

  it('each sink has its own cursor: one refusing does not hold up another', async () => {
    const healthy = recordingSink('test:healthy');
    const broken = recordingSink('test:broken');
    broken.failing = () => true;
    const { record } = setup([healthy, broken]);
    for (const customer of ['A', 'B', 'A']) await record(customer);
    await healthy.until(3);
    expect(ids(healthy.received)).toHaveLength(3);
    expect(broken.received).toEqual([]);
  });

  it('secret-bearing event types go only to signed sinks (and never to the pull feed)', async () => {
    const signed = recordingSink('test:signed', { signed: true });
    const unsigned = recordingSink('test:unsigned');
    const store = createMemoryStore();
    const sealer = createSealer(store, { secrets: [SECRET], signedSinks: [signed.name] });
    const { record } = setup([signed, unsigned], store, 60_000, 1000, true, sealer);
    await record('A', 'customer.password_reset.requested');
    await record('A');
    await signed.until(2);
    await unsigned.until(1);
    expect(signed.received.map((e) => e.type)).toEqual(['customer.password_reset.requested', 'customer.updated']);
    expect(unsigned.received.map((e) => e.type)).toEqual(['customer.updated']);
  });

  it('one dispatcher per fleet: when its holder stops, another instance takes over, and nothing is lost', async () => {
    const store = createMemoryStore();
    const sink = recordingSink();
    const first = setup([sink], store, 60_000, 300);
    for (let i = 0; i < 10; i++) await first.record(`C${i % 4}`);
    await sink.until(10);
    const second = setup([sink], store, 60_000, 300);
    await first.dispatcher.stop(100);
    for (let i = 10; i < 20; i++) await second.record(`C${i % 4}`);
    await sink.until(20);
    expect(new Set(ids(sink.received)).size).toBe(20);
    for (let c = 0; c < 4; c++) {
      const delivered = ids(sink.received, `C${c}`).map((id) => Number(id.split('-')[1]));
      expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
    }
  });

  it('events queued behind a refused one are each dead-lettered after their own wait, none lost past the retention', async () => {
    // One clock for the store (the outbox's positions) and the lanes, moved by the test.
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = vi.spyOn(Date, 'now').mockImplementation(() => clock);
    try {
      const sink = recordingSink();
      sink.failing = (event) => event.subject === 'A';
      const deadAfterMs = 60_000;
      const { record, dispatcher, outbox } = setup(
        [sink],
        createMemoryStore({ now: () => clock }),
        deadAfterMs,
        1000,
        false,
      );
      await record('B');
      for (let i = 0; i < 4; i++) await record('A');
      await dispatcher.drain(1000); // B goes through; A's four wait behind the first refusal
      expect(ids(sink.received)).toEqual(['ev-1-B']);
      clock += deadAfterMs + 1_000;
      await dispatcher.drain(1000);
      // All four have waited their time: each is dead-lettered now, not one dead-letter time after another.
      expect((await outbox.readDead(0, 10)).map((d) => d.letter.event.id)).toEqual([
        'ev-2-A',
        'ev-3-A',
        'ev-4-A',
        'ev-5-A',
      ]);
      // The customer goes on: a later event of A is tried afresh (and waits its own time).
      sink.failing = () => false;
      await record('A');
      await dispatcher.drain(1000);
      expect(ids(sink.received, 'A')).toEqual(['ev-6-A']);
    } finally {
      now.mockRestore();
    }
  });

  it('Workers-style (one drain per invocation): a sink that stays down is dead-lettered across drains', async () => {
    const sink = recordingSink();
    sink.failing = () => true;
    const { record, dispatcher, outbox } = setup([sink], createMemoryStore(), 150, 1000, false);
    await record('A');
    await record('B');
    await dispatcher.drain(1000);
    expect(sink.attempts).toBeGreaterThan(0);
    // Each drain starts from what the store says (the outage's start included), as a new isolate would.
    while ((await outbox.readDead(0, 10)).length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await dispatcher.drain(1000);
    }
    expect((await outbox.readDead(0, 10)).map((d) => d.letter.event.id)).toEqual(['ev-1-A', 'ev-2-B']);
    expect(await dispatcher.backlog()).toEqual({ 'test:recording': 0 });
  });
});

describe('a lane with very many customers waiting for a retry', () => {
  it('answers when it next has something due with 200,000 parked customers (no spread past the stack)', async () => {
    // A receiver that refuses one event type parks every customer that gets one, for up to
    // EVENTS_DEAD_AFTER_SECONDS. The dispatcher asks `wakeAt` outside its step's error handling,
    // so a throw there ended the process.
    const store = createMemoryStore();
    const sink = recordingSink();
    const now = Date.now();
    const parked: Record<string, { seqs: number[]; attempts: number; nextAt: number; since: number }> = {};
    for (let i = 0; i < 200_000; i++)
      parked[`/test/backends/memory c${i}`] = { seqs: [i + 1], attempts: 1, nextAt: now + 60_000 + i, since: now };
    await store.set(`events:lane:${sink.name}`, JSON.stringify({ cursor: now * 1000, parked }), 3_600_000);
    const outbox = createOutbox(store, 3_600_000);
    const options = laneOptions(store, outbox);
    const lane = new Lane(sink, options);
    expect(await lane.step()).toBe(false);
    expect(lane.wakeAt).toBe(now + 60_000);
  });
});

describe('what a lane writes per step', () => {
  /** Bytes a lane writes to its state keys while it delivers 100 events of customers nobody parked. */
  async function bytesForADeliveryStep(parkedCustomers: number): Promise<number> {
    const memory = createMemoryStore();
    let bytes = 0;
    const store: SharedStore = {
      ...memory,
      set: (key, value, ttlMs) => {
        if (key.startsWith('events:lane:')) bytes += value.length;
        return memory.set(key, value, ttlMs);
      },
    };
    const sink = recordingSink();
    sink.failing = (event) => event.subject.startsWith('P');
    const outbox = createOutbox(store, 3_600_000);
    const lane = new Lane(sink, {
      store,
      outbox,
      log,
      backoff: { firstMs: 60_000, maxMs: 60_000 },
      deadAfterMs: 3_600_000,
      retentionMs: 3_600_000,
    });
    const append = (customerId: string) =>
      outbox.append([
        buildEvent({ type: 'customer.updated', backend: 'memory', customerId }, `ev-${++n}`, new Date(), settings),
      ]);
    // Parked: refused while others got through in the same batch (one of those every 50).
    for (let i = 0; i < parkedCustomers; i++) {
      await append(`P${i}`);
      if (i % 50 === 0) await append(`Q${i}`);
    }
    while (await lane.step());
    bytes = 0;
    for (let i = 0; i < 100; i++) await append(`R${i}`);
    while (await lane.step());
    expect(sink.received.filter((e) => e.subject.startsWith('R'))).toHaveLength(100);
    return bytes;
  }

  it('the same few bytes however many customers are parked (they are written only when they change)', async () => {
    const none = await bytesForADeliveryStep(0);
    const many = await bytesForADeliveryStep(500);
    expect(none).toBeGreaterThan(0);
    expect(many).toBeLessThanOrEqual(none * 2);
  });

  it('parked customers written by a gateway that kept them in the lane key are kept', async () => {
    const store = createMemoryStore();
    const sink = recordingSink();
    const outbox = createOutbox(store, 3_600_000);
    const append = (customerId: string) =>
      outbox.append([
        buildEvent(
          { type: 'customer.updated', backend: 'memory', customerId },
          `ev-${customerId}`,
          new Date(),
          settings,
        ),
      ]);
    await append('A');
    const [a] = await outbox.read(0, 1);
    const parked = { [a!.orderKey]: { seqs: [a!.seq], attempts: 1, nextAt: Date.now() + 60_000, since: Date.now() } };
    await store.set(`events:lane:${sink.name}`, JSON.stringify({ cursor: a!.seq, parked }), 3_600_000);
    const options = laneOptions(store, outbox);
    // A step that delivers another customer's event and leaves A waiting saves the state.
    await append('B');
    expect(await new Lane(sink, options).step()).toBe(true);
    expect(sink.received.map((e) => e.id)).toEqual(['ev-B']);
    expect(Object.keys((await loadLaneState(store, sink.name, Date.now())).parked)).toEqual([a!.orderKey]);
    // An older instance of the fleet reading the lane key finds the member it expects (and no one in it).
    expect(JSON.parse((await store.get(`events:lane:${sink.name}`))!).parked).toEqual({});
    // Such an instance takes the lease and writes the lane key its way, with the customers it parked
    // itself (B) inline: it never knew A was waiting. A is not lost when a newer instance takes over
    // again, and B is kept too.
    await append('C');
    const [, b] = await outbox.read(0, 2);
    const ownParked = { [b!.orderKey]: { seqs: [b!.seq], attempts: 1, nextAt: Date.now(), since: Date.now() } };
    await store.set(`events:lane:${sink.name}`, JSON.stringify({ cursor: b!.seq, parked: ownParked }), 3_600_000);
    expect(Object.keys((await loadLaneState(store, sink.name, Date.now())).parked).sort()).toEqual(
      [a!.orderKey, b!.orderKey].sort(),
    );
    const retaken = new Lane(sink, options);
    while (await retaken.step());
    // B (due) is delivered again and C for the first time; A waits for its own retry, still parked.
    expect(sink.received.map((e) => e.id)).toEqual(['ev-B', 'ev-B', 'ev-C']);
    expect(Object.keys((await loadLaneState(store, sink.name, Date.now())).parked)).toEqual([a!.orderKey]);
  });
});
