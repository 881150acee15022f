import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteStream, natsForTests, readStream } from '../events/receivers.js';
import { type RunningGateway, startGateway } from './support.js';

/**
 * With EVENTS_PAYLOAD=full a JetStream stream keeps personal data for as long as it keeps events.
 * `npm start` (env only) against a real nats-server: erasing one customer deletes the stream's
 * copies of that customer's events (and only those), then publishes `customer.erased`.
 */
describe('npm start with EVENTS_NATS_URL and full payloads: erasure reaches the stream', () => {
  let nats: Awaited<ReturnType<typeof natsForTests>>;
  let gateway: RunningGateway | undefined;
  const stream = `E2E_ERASE_${process.pid}`;

  beforeAll(async () => {
    nats = await natsForTests();
    if ('skip' in nats) return console.warn(`skipping the NATS erasure e2e test: ${nats.skip}`);
    gateway = await startGateway({
      EVENTS_NATS_URL: nats.url,
      EVENTS_NATS_STREAM: stream,
      EVENTS_NATS_SUBJECT: stream.toLowerCase(),
      EVENTS_PAYLOAD: 'full',
      EVENTS_POLL_SECONDS: '0',
      LOG_LEVEL: 'warn',
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    if (!('skip' in nats)) {
      await deleteStream(nats.connection, stream);
      await nats.connection.close();
    }
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway!.origin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  /** The stream's messages that mention `text`, once `ready` holds for them (delivery runs in the background). */
  const inStream = async (text: string, ready: (found: string[]) => boolean) => {
    if ('skip' in nats) throw new Error('no NATS');
    for (let i = 0; ; i++) {
      const found = (await readStream(nats.connection, stream))
        .map((m) => JSON.stringify(m.event))
        .filter((json) => json.includes(text));
      if (ready(found) || i === 100) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('deletes the erased customer’s events from the stream, keeps the others’, then publishes customer.erased', async (ctx) => {
    if ('skip' in nats) return ctx.skip();
    const [gone, kept] = ['gone', 'kept'].map((who) => `nats-${who}-${process.pid}-${Date.now()}@example.org`);
    const created = await call('POST', '/v1/backends/scayle/customers', { email: gone, lastName: 'Stream' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await call('POST', '/v1/backends/scayle/customers', { email: kept, lastName: 'Stream' })).status).toBe(201);
    expect(
      (await call('PATCH', `/v1/backends/scayle/customers/${created.body.id}`, { firstName: 'Erika' })).status,
    ).toBe(200);
    // created and updated, each with the full customer (its email) in the stream.
    expect(await inStream(gone, (found) => found.length >= 2)).toHaveLength(2);
    expect(await inStream(kept, (found) => found.length >= 1)).toHaveLength(1);

    const erased = await call('POST', `/v1/backends/scayle/customers/${created.body.id}/erase`, {});
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    // Two events held in the outbox (redacted to ids) and their two copies in the stream (deleted).
    expect(erased.body.steps).toContainEqual(expect.objectContaining({ where: 'change events', count: 4 }));

    expect(await inStream(gone, (found) => found.length === 0)).toEqual([]);
    expect(await inStream(kept, (found) => found.length >= 1)).toHaveLength(1);
    const erasedEvent = await inStream(`"customer.erased"`, (found) =>
      found.some((json) => json.includes(created.body.id)),
    );
    expect(erasedEvent.filter((json) => json.includes(created.body.id))).toHaveLength(1);
  }, 60_000);
});
