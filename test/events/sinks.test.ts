import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../schemas/index.js';
import { buildEvent } from '../../src/events/model.js';
import { createNatsSink } from '../../src/events/sinks/nats.js';
import type { EventSink } from '../../src/events/sinks/types.js';
import { createWebhookSink, type WebhookSinkOptions } from '../../src/events/sinks/webhook.js';
import { nodeWebhookTransport } from '../../src/events/sinks/webhook-node.js';
import { expectCloudEvent } from './support.js';
import { deleteStream, natsForTests, readStream, type Receiver, startReceiver } from './receivers.js';

/**
 * One suite every sink runs (unstorage style): delivered means the receiving side has the event
 * as CloudEvents JSON; a retry of the same event is recognisable as one; a receiver that is gone
 * is a failure the dispatcher will retry.
 */
interface SinkTarget {
  open(): Promise<
    | {
        sink: EventSink;
        /** What the receiving side holds, in order, with the id it deduplicates on. */
        received(): Promise<{ dedupId: string | undefined; event: CustomerEvent }[]>;
        down(): Promise<void>;
        up(): Promise<void>;
        close(): Promise<void>;
      }
    | { skip: string }
  >;
}

const SECRET = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`;
const NEXT_SECRET = `whsec_${Buffer.from('b'.repeat(32)).toString('base64')}`;
let n = 0;
const event = (customerId: string) =>
  buildEvent(
    { type: 'customer.updated', backend: 'scayle', customerId, changed: ['firstName'] },
    `${crypto.randomUUID()}`,
    new Date(),
    { source: '/customer-gateway', payload: 'ids' },
  );

function sinkSuite(name: string, target: SinkTarget) {
  describe(`event sink: ${name}`, () => {
    let opened: Exclude<Awaited<ReturnType<SinkTarget['open']>>, { skip: string }>;
    let skipped: string | undefined;
    beforeAll(async () => {
      const result = await target.open();
      if ('skip' in result) {
        skipped = result.skip;
        console.warn(`skipping event sink ${name}: ${result.skip}`);
      } else opened = result;
    });
    afterAll(async () => opened?.close());
    const test = (title: string, body: () => Promise<void>) =>
      it(title, async (ctx) => (skipped ? ctx.skip() : body()));

    test('delivers the event as a CloudEvent the receiver can read, under its id', async () => {
      const sent = [event(`c${++n}`), event(`c${++n}`)];
      for (const e of sent) await opened.sink.deliver(e);
      const got = (await opened.received()).slice(-2);
      expect(got.map((g) => g.event)).toEqual(sent);
      expect(got.map((g) => g.dedupId)).toEqual(sent.map((e) => e.id));
      for (const g of got) expectCloudEvent(g.event);
    });

    test('a retried delivery carries the same id (the receiver can drop the second)', async () => {
      const once = event(`c${++n}`);
      await opened.sink.deliver(once);
      await opened.sink.deliver(once);
      const copies = (await opened.received()).filter((g) => g.event.id === once.id);
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(new Set(copies.map((c) => c.dedupId))).toEqual(new Set([once.id]));
    });

    test('a receiver that is gone is a failure (to be retried), and delivery works again once it is back', async () => {
      await opened.down();
      await expect(opened.sink.deliver(event(`c${++n}`))).rejects.toThrow();
      await opened.up();
      const after = event(`c${++n}`);
      await opened.sink.deliver(after);
      expect((await opened.received()).at(-1)?.event.id).toBe(after.id);
    });
  });
}

/** The two ways webhooks are sent: fetch and the reference library (Workers), undici and node:crypto (Node). */
const transports: [string, (secrets: string[]) => Partial<WebhookSinkOptions> & { close?(): Promise<void> }][] = [
  ['fetch, signed by the reference library (Workers)', () => ({})],
  ['undici, signed by node:crypto (Node)', (secrets) => nodeWebhookTransport(secrets)],
];

for (const [how, transport] of transports) {
  let receiver: Receiver;
  sinkSuite(`webhook (Standard Webhooks; ${how})`, {
    async open() {
      receiver = await startReceiver();
      const options = transport([SECRET]);
      const sink = await createWebhookSink({
        url: new URL(receiver.url),
        secrets: [SECRET],
        timeoutMs: 2_000,
        ...options,
      });
      return {
        sink,
        received: async () => receiver.deliveries.map((d) => ({ dedupId: d.headers['webhook-id'], event: d.event })),
        down: receiver.down,
        up: receiver.up,
        close: async () => {
          await options.close?.();
          await receiver.close();
        },
      };
    },
  });
}

describe.each(transports)('webhook signatures and answers (%s)', (_how, transport) => {
  it('verify with the Standard Webhooks reference library and with an HMAC computed per the specification', async () => {
    const r = await startReceiver();
    try {
      const sink = await createWebhookSink({
        url: new URL(r.url),
        secrets: [SECRET, NEXT_SECRET],
        ...transport([SECRET, NEXT_SECRET]),
      });
      const sent = event('sig');
      await sink.deliver(sent);
      const [delivery] = r.deliveries;
      const { headers, body } = delivery!;
      expect(headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(headers['webhook-id']).toBe(sent.id);
      // The reference library accepts it with either secret of a rotation, and refuses a changed body.
      for (const secret of [SECRET, NEXT_SECRET]) expect(new Webhook(secret).verify(body, headers)).toEqual(sent);
      expect(() => new Webhook(SECRET).verify(body.replace('sig', 'sgi'), headers)).toThrow();
      // The specification, by hand: base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")), key = base64 after whsec_.
      const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key)
        .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
        .digest('base64');
      expect(headers['webhook-signature']!.split(' ')).toContain(`v1,${expected}`);
      expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    } finally {
      await r.close();
    }
  });

  it('anything but a 2xx is a failure: 500, 410, a redirect', async () => {
    const r = await startReceiver();
    try {
      const sink = await createWebhookSink({ url: new URL(r.url), secrets: [SECRET], ...transport([SECRET]) });
      for (const status of [500, 410, 302]) {
        r.answer(() => status);
        await expect(sink.deliver(event('x'))).rejects.toThrow(`webhook answered ${status}`);
      }
      expect(sink.name).toMatch(/^webhook:127\.0\.0\.1:\d+:[0-9a-f]{10}$/);
    } finally {
      await r.close();
    }
  });
});

const STREAM = `TEST_EVENTS_${process.pid}_${Date.now().toString(36)}`;
const SUBJECT = `test-events-${process.pid}-${Date.now().toString(36)}`;
sinkSuite('NATS JetStream', {
  async open() {
    const nats = await natsForTests();
    if ('skip' in nats) return nats;
    const { connection, url } = nats;
    const open = () => createNatsSink({ servers: [url], stream: STREAM, subject: SUBJECT, maxAgeMs: 3_600_000 });
    let sink = await open();
    // NATS cannot be taken down here (other tests use it): "down" is this sink's connection closed.
    const proxy: EventSink = {
      get name() {
        return sink.name;
      },
      signed: false,
      concurrency: 64,
      deliver: (e) => sink.deliver(e),
      close: () => sink.close(),
    };
    return {
      sink: proxy,
      received: async () =>
        (await readStream(connection, STREAM)).map((m) => {
          // Subjects name the backend and the type, for consumers that filter.
          expect(m.subject).toBe(`${SUBJECT}.scayle.customer.updated`);
          return { dedupId: m.msgId, event: m.event };
        }),
      down: () => sink.close(),
      up: async () => {
        sink = await open();
      },
      async close() {
        await sink.close();
        await deleteStream(connection, STREAM);
        await connection.close();
      },
    };
  },
});

it('NATS: the stream is created once with its subjects; JetStream drops a redelivery with the same Nats-Msg-Id', async (ctx) => {
  const nats = await natsForTests();
  if ('skip' in nats) return ctx.skip();
  const stream = `${STREAM}_DEDUP`;
  try {
    const sink = await createNatsSink({ servers: [nats.url], stream, subject: `${SUBJECT}-d`, maxAgeMs: 3_600_000 });
    const again = await createNatsSink({ servers: [nats.url], stream, subject: `${SUBJECT}-d`, maxAgeMs: 3_600_000 });
    const once = event('dedup');
    await sink.deliver(once);
    await again.deliver(once);
    expect((await readStream(nats.connection, stream)).map((m) => m.event.id)).toEqual([once.id]);
    await Promise.all([sink.close(), again.close()]);
  } finally {
    await deleteStream(nats.connection, stream);
    await nats.connection.close();
  }
});

it('NATS: deliver answers where the stream keeps the copy, and erase deletes exactly those copies (once)', async (ctx) => {
  const nats = await natsForTests();
  if ('skip' in nats) return ctx.skip();
  const stream = `${STREAM}_ERASE`;
  try {
    const sink = await createNatsSink({ servers: [nats.url], stream, subject: `${SUBJECT}-e`, maxAgeMs: 3_600_000 });
    const [gone, kept] = [event('erase-me'), event('keep-me')];
    const first = await sink.deliver(gone);
    await sink.deliver(kept);
    const copy = `1:${gone.id}`;
    expect(first).toEqual({ copy, earlier: false });
    // The same event again (a redelivery): JetStream answers with the first copy's place.
    expect(await sink.deliver(gone)).toEqual({ copy, earlier: true });
    // A sequence holding another event (the stream was recreated and numbers again) is left alone.
    expect(await sink.erase!([`2:${gone.id}`])).toBe(0);
    expect(await sink.erase!([copy])).toBe(1);
    expect((await readStream(nats.connection, stream)).map((m) => m.event.id)).toEqual([kept.id]);
    // Already gone (an interrupted erasure run again, or past max_age): nothing removed, no error.
    expect(await sink.erase!([copy])).toBe(0);
    await sink.close();
  } finally {
    await deleteStream(nats.connection, stream);
    await nats.connection.close();
  }
});
