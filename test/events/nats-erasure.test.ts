import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../schemas/index.js';
import { createNatsSink } from '../../src/events/sinks/nats.js';
import type { EventSink } from '../../src/events/sinks/types.js';
import { deleteStream, natsForTests, readStream } from './receivers.js';
import { eventsGateway } from './support.js';

/**
 * Copies in the stream that the erasure cannot know of (a real nats-server): one published while
 * the erasure runs (the dispatcher read the event, with its data, before the outbox was redacted),
 * and one a dispatcher published just before it died, without noting it. The dispatcher deletes
 * each itself: the first as it notes it, the second when the redacted event goes out again and
 * JetStream answers with the earlier copy.
 */
describe('erasure while an event with personal data is on its way to NATS', () => {
  let nats: Awaited<ReturnType<typeof natsForTests>>;
  const stream = `TEST_ERASE_RACE_${process.pid}_${Date.now().toString(36)}`;
  beforeAll(async () => {
    nats = await natsForTests();
    if ('skip' in nats) console.warn(`skipping the NATS erasure race test: ${nats.skip}`);
  });
  afterAll(async () => {
    if (!('skip' in nats)) {
      await deleteStream(nats.connection, stream);
      await nats.connection.close();
    }
  });

  it('leaves no copy with the customer’s data in the stream', async (ctx) => {
    if ('skip' in nats) return ctx.skip();
    const natsSink = await createNatsSink({
      servers: [nats.url],
      stream,
      subject: stream.toLowerCase(),
      maxAgeMs: 3_600_000,
    });
    let erasing: ((event: CustomerEvent) => Promise<void>) | undefined;
    // The NATS sink, but the first delivery of a customer.created waits for an erasure of its customer.
    const sink: EventSink = {
      ...natsSink,
      async deliver(event) {
        const during = event.type === 'customer.created' ? erasing : undefined;
        erasing = undefined;
        await during?.(event);
        return natsSink.deliver(event);
      },
    };
    const gw = eventsGateway({ BACKENDS: 'scayle', EVENTS_PAYLOAD: 'full' }, [sink]);
    const email = `race-${process.pid}-${Date.now()}@example.org`;
    const erased = new Promise<number>((resolve) => {
      erasing = async (event) => {
        const res = await gw.call('POST', `/v1/backends/scayle/customers/${event.subject}/erase`, {});
        resolve(res.status);
      };
    });
    gw.events.start();
    try {
      const created = await gw.call('POST', '/v1/backends/scayle/customers', { email, lastName: 'Race' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(await erased).toBe(200);
      // Delivered: the customer.erased after it is in the stream too.
      let messages = await readStream(nats.connection, stream);
      for (let i = 0; i < 100 && !messages.some((m) => m.event.type === 'customer.erased'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        messages = await readStream(nats.connection, stream);
      }
      expect(messages.map((m) => m.event.type)).toEqual(['customer.erased']);
      expect(JSON.stringify(messages)).not.toContain(email);
    } finally {
      await gw.events.stop();
    }
  });

  it('a copy published before a crash, never noted, is deleted when the redacted event is delivered again', async (ctx) => {
    if ('skip' in nats) return ctx.skip();
    const sink = await createNatsSink({
      servers: [nats.url],
      stream: `${stream}_CRASH`,
      subject: `${stream.toLowerCase()}-crash`,
      maxAgeMs: 3_600_000,
    });
    const gw = eventsGateway({ BACKENDS: 'scayle', EVENTS_PAYLOAD: 'full' }, [sink]);
    const email = `crash-${process.pid}-${Date.now()}@example.org`;
    try {
      const created = await gw.call('POST', '/v1/backends/scayle/customers', { email, lastName: 'Crash' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      // A dispatcher published the event and died before noting its copy.
      const [entry] = await gw.events.outbox.read(0, 10);
      await sink.deliver(entry!.event);
      const erased = await gw.call('POST', `/v1/backends/scayle/customers/${created.body.id}/erase`, {});
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      // The next dispatcher delivers what the outbox holds: the event redacted, and customer.erased.
      gw.events.start();
      let messages = await readStream(nats.connection, `${stream}_CRASH`);
      for (let i = 0; i < 100 && !messages.some((m) => m.event.type === 'customer.erased'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        messages = await readStream(nats.connection, `${stream}_CRASH`);
      }
      expect(messages.map((m) => m.event.type)).toEqual(['customer.erased']);
      expect(JSON.stringify(messages)).not.toContain(email);
    } finally {
      await gw.events.stop();
      await deleteStream(nats.connection, `${stream}_CRASH`);
    }
  });
});
