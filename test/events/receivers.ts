import { createServer, type IncomingMessage, type Server } from 'node:http';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import type { CustomerEvent } from '../../schemas/index.js';

/** One request a webhook receiver got: the headers that matter and the raw body. */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
  event: CustomerEvent;
}

/**
 * A real webhook receiver (node:http on loopback): keeps every request, answers `status()` (2xx
 * by default), and can be taken down (its port closed) and brought back on the same port.
 */
export async function startReceiver() {
  const deliveries: Delivery[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  let status = () => 204;
  const handle = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const answer = status();
    if (answer < 300) {
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type'].map((h) => [
          h,
          String(req.headers[h]),
        ]),
      );
      deliveries.push({ headers, body, event: JSON.parse(body) as CustomerEvent });
    }
    res.writeHead(answer).end();
    for (const waiter of waiters.filter((w) => w.test())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  let server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/customers`,
    deliveries,
    answer(next: () => number) {
      status = next;
    },
    /** Resolves once `test()` holds (checked after each request). */
    until(test: () => boolean): Promise<void> {
      if (test()) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
    async down() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    async up() {
      server = createServer(handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * The first delivery (already received or yet to come) whose event `where` accepts, as a receiver
 * should read it: verified with the Standard Webhooks reference library against `secret`.
 */
export async function verifiedEvent(
  receiver: Receiver,
  secret: string,
  where: (event: CustomerEvent) => boolean,
): Promise<CustomerEvent> {
  const find = () => receiver.deliveries.find((d) => where(d.event));
  await receiver.until(() => find() !== undefined);
  const delivery = find()!;
  return new Webhook(secret).verify(delivery.body, delivery.headers) as CustomerEvent;
}

/**
 * The real NATS server with JetStream: NATS_URL, else 127.0.0.1:4222 (.ci/run starts one there).
 * `skip` says why there is none. Tests use streams and subjects of their own and delete them.
 */
export async function natsForTests(): Promise<{ url: string; connection: NatsConnection } | { skip: string }> {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  try {
    const connection = await connect({ servers: url, timeout: 2_000, reconnect: false });
    try {
      await (await jetstreamManager(connection)).getAccountInfo();
    } catch {
      await connection.close();
      return { skip: `the NATS server at ${url} has no JetStream (start it with -js)` };
    }
    return { url, connection };
  } catch {
    return { skip: `no NATS server at ${url} (set NATS_URL or run: nats-server -js -a 127.0.0.1 -p 4222)` };
  }
}

/** Every message of a stream, in order, with its Nats-Msg-Id (read by an ordered consumer). */
export async function readStream(connection: NatsConnection, stream: string) {
  const info = await (await jetstreamManager(connection)).streams.info(stream);
  const messages: { subject: string; msgId: string | undefined; event: CustomerEvent }[] = [];
  if (info.state.messages === 0) return messages;
  const consumer = await jetstream(connection).consumers.get(stream);
  while (messages.length < info.state.messages) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2_000 });
    let got = 0;
    for await (const message of batch) {
      got++;
      messages.push({
        subject: message.subject,
        msgId: message.headers?.get('Nats-Msg-Id'),
        event: message.json<CustomerEvent>(),
      });
      if (message.info.pending === 0) break;
    }
    if (got === 0) break;
  }
  return messages;
}

export async function deleteStream(connection: NatsConnection, stream: string) {
  await (await jetstreamManager(connection)).streams.delete(stream).catch(() => undefined);
}
