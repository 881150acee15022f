import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../schemas/index.js';
import { startWorker } from '../e2e/workerd.js';
import { type Receiver, startReceiver, verifiedEvent } from './receivers.js';
import { expectCloudEvent } from './support.js';

/**
 * Issue 23 point 4 on Workers (workerd via Miniflare, the bundle wrangler builds): the outbox in
 * Durable Objects, each write's events delivered within its invocation to Cloudflare Queues (the
 * EVENTS_QUEUE producer binding; a consumer Worker collects them) and to a signed webhook on this
 * machine; the cron trigger runs. The suite shares the Worker of test/store/durable-objects.test.ts
 * (a wrangler build and a workerd start cost ~10 s each).
 */
const SECRET = `whsec_${Buffer.from('worker-secret-0123456789abcdef').toString('base64')}`;
/** A queue consumer Worker: keeps every message body; GET answers them. */
const CONSUMER = `
const got = [];
export default {
  async queue(batch) { for (const message of batch.messages) { got.push(message.body); message.ack(); } },
  async fetch() { return Response.json(got); },
};`;

export type WorkerWithEvents = { worker: Awaited<ReturnType<typeof startWorker>>; receiver: Receiver };

/** The demo Worker (SCAYLE embedded) on Durable Objects, with a webhook receiver and a queue consumer beside it. */
export async function startWorkerWithEvents(bindings: Record<string, string>): Promise<WorkerWithEvents> {
  const receiver = await startReceiver();
  const worker = await startWorker(
    { ...bindings, STORE: 'durable-objects', WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET },
    {
      demo: true,
      durableObjects: { GATEWAY_STORE: 'SharedStoreObject' },
      queueProducers: { EVENTS_QUEUE: { queueName: 'customer-events' } },
      workers: [
        {
          name: 'consumer',
          modules: true,
          script: CONSUMER,
          compatibilityDate: '2025-09-01',
          queueConsumers: { 'customer-events': { maxBatchTimeout: 0.05 } },
        },
      ],
    },
  );
  return {
    worker: {
      ...worker,
      async dispose() {
        await worker.dispose();
        await receiver.close();
      },
    },
    receiver,
  };
}

export function workerEventsSuite(started: () => Promise<WorkerWithEvents>) {
  describe('change events on Workers', () => {
    it('a registration and an update reach the queue and the webhook, in order, signed', async () => {
      const { worker, receiver } = await started();
      const created = await worker.fetch('/v1/backends/scayle/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `worker-${Date.now()}@example.com`, lastName: 'Edge' }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const patched = await worker.fetch(`/v1/backends/scayle/customers/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'Edgar' }),
      });
      expect(patched.status).toBe(200);

      const consumer = await worker.worker('consumer');
      let queued: CustomerEvent[] = [];
      while (queued.filter((e) => e.subject === id).length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        queued = (await (await consumer.fetch('http://consumer/')).json()) as CustomerEvent[];
      }
      const mine = queued.filter((e) => e.subject === id);
      expect(mine.map((e) => [e.type, e.data.changed ?? null])).toEqual([
        ['customer.created', null],
        ['customer.updated', ['firstName']],
      ]);
      for (const event of mine) expectCloudEvent(event);

      await receiver.until(() => receiver.deliveries.filter((d) => d.event.subject === id).length >= 2);
      const hooks = receiver.deliveries.filter((d) => d.event.subject === id);
      expect(hooks.map((d) => d.event.id)).toEqual(mine.map((e) => e.id));
      for (const { body, headers } of hooks)
        expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));

      // The cron trigger (retries and polling) runs in the same isolate without failing.
      const scheduled = await (await worker.worker()).scheduled({ cron: '* * * * *' });
      expect(scheduled.outcome).toBe('ok');
    }, 120_000);

    it('a password reset: the token reaches the signed webhook from the answered background work, never the queue', async () => {
      const { worker, receiver } = await started();
      const email = `reset-${Date.now()}@example.com`;
      const json = (body: unknown) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const created = await worker.fetch(
        '/v1/backends/scayle/customers',
        json({ email, lastName: 'Edge', password: 'Edge!Passw0rd' }),
      );
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await worker.fetch('/v1/backends/scayle/auth/password-reset', json({ email }))).status).toBe(202);
      // Sealed in the Durable Objects outbox by WebCrypto in workerd, opened for the webhook only.
      const { data } = await verifiedEvent(
        receiver,
        SECRET,
        (e) => e.type === 'customer.password_reset.requested' && e.subject === id,
      );
      expect(data.email).toBe(email);
      const confirmed = await worker.fetch(
        '/v1/auth/password-reset/confirm',
        json({ token: data.token, password: 'N3w!Passw0rd' }),
      );
      expect(confirmed.status).toBe(204);
      const consumer = await worker.worker('consumer');
      const queued = (await (await consumer.fetch('http://consumer/')).json()) as CustomerEvent[];
      expect(queued.filter((e) => e.type === 'customer.password_reset.requested')).toEqual([]);
    }, 60_000);
  });
}
