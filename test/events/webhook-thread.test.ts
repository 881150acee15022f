import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookSenderThread } from '../../src/events/sinks/webhook-thread.js';

/**
 * Node sends webhooks from a thread of its own (webhook-thread.ts), the requests of one turn in one
 * message. What the dispatcher relies on: each request gets its own answer, however many go
 * together; a failure is a rejection, never a request left waiting; closing lets the requests in
 * flight finish.
 */
const servers: Server[] = [];
const senders: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver answering each POST with the status its body names, after `delayMs`; counts what it got. */
async function receiver(delayMs = 0) {
  const got: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      got.push(body);
      setTimeout(() => res.writeHead(Number(JSON.parse(body).status)).end(), delayMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`, got };
}

const open = () => {
  const sender = webhookSenderThread();
  senders.push(sender);
  return sender;
};
const post = (sender: ReturnType<typeof open>, url: string, status: number, timeoutMs = 10_000) =>
  sender.post(url, { 'content-type': 'application/json' }, JSON.stringify({ status }), timeoutMs);

describe('webhook sender thread', () => {
  it('requests sent together each get their own answer', async () => {
    const { url, got } = await receiver();
    const sender = open();
    const statuses = Array.from({ length: 40 }, (_, i) => [204, 500, 410, 202][i % 4]!);
    // All in one turn: they reach the thread in one message.
    const answers = await Promise.all(statuses.map((status) => post(sender, url, status)));
    expect(answers).toEqual(statuses);
    expect(got).toHaveLength(40);
  });

  it('no answer is a rejection named as undici named it: a refused connection, a receiver too slow', async () => {
    const sender = open();
    const { url } = await receiver();
    const closed = `http://127.0.0.1:${new URL(url).port}`;
    servers[0]!.closeAllConnections();
    await new Promise((resolve) => servers.shift()!.close(resolve));
    await expect(post(sender, `${closed}/hooks`, 204)).rejects.toThrow(/webhook request failed/);
    const slow = await receiver(2_000);
    await expect(post(sender, slow.url, 204, 200)).rejects.toMatchObject({ name: 'HeadersTimeoutError' });
  });

  it('closing lets the requests in flight finish, and a request after it starts the thread again', async () => {
    const { url, got } = await receiver(300);
    const sender = open();
    const inFlight = [post(sender, url, 204), post(sender, url, 500)];
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sender.close();
    expect(await Promise.all(inFlight)).toEqual([204, 500]);
    expect(await post(sender, url, 202)).toBe(202);
    expect(got).toHaveLength(3);
  });
});
