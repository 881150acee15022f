import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from './support.js';

/**
 * A storefront that gives up on a read (a shopper navigating away) must not leave the gateway
 * waiting on the platform until its deadline: through `npm start`, over HTTP, the upstream call
 * is cancelled as soon as the client's connection closes.
 */
let gateway: RunningGateway;
let upstream: ReturnType<typeof createServer>;
const arrived: IncomingMessage[] = [];
const closedAt = new Map<IncomingMessage, number>();

beforeAll(async () => {
  // A platform that takes the call and never answers.
  upstream = createServer((req) => {
    arrived.push(req);
    req.socket.on('close', () => closedAt.set(req, performance.now()));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  gateway = await startGateway({
    BACKENDS: 'scayle',
    SCAYLE_BASE_URL: `http://127.0.0.1:${port}/api/admin/v1`,
    SCAYLE_ACCESS_TOKEN: 'client-leaves-token',
    SCAYLE_SHOP_KEY: 'test',
    SCAYLE_COUNTRY_CODE: 'DE',
    UPSTREAM_BUDGET_SCAYLE: 'off',
    LOG_LEVEL: 'warn',
  });
});
afterAll(async () => {
  await gateway?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe('a client that leaves, through npm start', () => {
  it('cancels the upstream call at once, not at the 8 s attempt timeout', async () => {
    const client = new AbortController();
    const read = fetch(`${gateway.origin}/v1/customers/4711?expand=addresses`, { signal: client.signal }).catch(
      (error: unknown) => error,
    );
    while (arrived.length === 0) await new Promise((r) => setTimeout(r, 20));
    const call = arrived[0]!;
    expect(call.url).toMatch(/\/customers\/4711\?with=addresses/);

    const left = performance.now();
    client.abort();
    expect(await read).toMatchObject({ name: 'AbortError' });
    // Closed before the 8 s attempt timeout could have closed it: a bound for "at once" on however slow a machine.
    while (!closedAt.has(call) && performance.now() - left < 7_000) await new Promise((r) => setTimeout(r, 20));
    expect(closedAt.has(call), 'the upstream call was still open 7 s after the client left').toBe(true);
    expect(arrived).toHaveLength(1); // cancelled, not retried
  });
});
