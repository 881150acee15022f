import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2ePlatforms, servePlatforms, startGateway } from './support.js';
import { startWorker } from './workerd.js';

/**
 * The gateway's deadline end to end: a platform that accepts the TCP connection and never answers
 * gets the request's REQUEST_TIMEOUT_MS, no more. The gateway answers 504 upstream_timeout, and
 * the connection to the platform is closed (seen from the platform's side), for a read and a write,
 * through `npm start` and through the Worker in workerd.
 */
const DEADLINE_MS = 1_000;
// Well past the deadline (a machine 10× slower still answers within it), and short of the 8 s
// per-attempt timeout, which would also answer 504: only REQUEST_TIMEOUT_MS explains an answer by then.
const BOUND_MS = 6_000;

interface Call {
  /** The first line of what the gateway sent (its request line). */
  requestLine: string;
  closed: Promise<void>;
}

/** A platform that takes every connection, reads what is sent, and never answers. */
async function silentPlatform() {
  const sockets = new Set<Socket>();
  const waiting: ((call: Call) => void)[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n')) return;
      socket.off('data', onData);
      waiting.shift()?.({ requestLine: received.slice(0, received.indexOf('\r\n')), closed });
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The next request the gateway sends from now on (a connection that sends nothing is not one). */
    nextCall: () => new Promise<Call>((resolve) => waiting.push(resolve)),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms).unref()),
  ]);

const scayleEnv = (origin: string) => ({
  BACKENDS: 'scayle',
  SCAYLE_BASE_URL: `${origin}/api/admin/v1`,
  SCAYLE_ACCESS_TOKEN: 'deadline-token',
  SCAYLE_SHOP_KEY: 'test',
  SCAYLE_COUNTRY_CODE: 'DE',
  UPSTREAM_BUDGET_SCAYLE: 'off',
  REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
  LOG_LEVEL: 'warn',
});

const CALLS = [
  { name: 'a read (GET customer)', method: 'GET', path: '/v1/customers/4711?expand=addresses', upstream: /^GET / },
  {
    // An address, not a registration: a registration first looks for a guest with its email (a read).
    name: 'a write (POST address)',
    method: 'POST',
    path: '/v1/customers/4711/addresses',
    body: JSON.stringify({
      lastName: 'Silent',
      line1: 'Hauptstraße 5',
      city: 'Berlin',
      postalCode: '10115',
      countryCode: 'DE',
    }),
    upstream: /^POST /,
  },
] as const;

/** What the test reads of an answer (Node's fetch and Miniflare's give different Response types). */
interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}
type Send = (path: string, init: RequestInit) => Promise<Answer>;

/** One call through `send` against the silent platform: the answer, its time, and the platform's side. */
async function expectDeadlineHolds(
  platform: Awaited<ReturnType<typeof silentPlatform>>,
  send: Send,
  call: (typeof CALLS)[number],
) {
  const connection = platform.nextCall();
  const started = performance.now();
  const answer = send(call.path, {
    method: call.method,
    ...('body' in call ? { body: call.body, headers: { 'content-type': 'application/json' } } : {}),
  });
  const upstream = await within(connection, BOUND_MS, 'the gateway called the platform');
  expect(upstream.requestLine).toMatch(call.upstream);

  const response = await within(answer, BOUND_MS, 'the gateway answered');
  const answeredMs = performance.now() - started;
  expect(response.status).toBe(504);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await response.json()).toMatchObject({ status: 504, code: 'upstream_timeout' });
  expect(answeredMs).toBeLessThan(BOUND_MS);
  await within(upstream.closed, BOUND_MS, 'the gateway closed its connection to the platform');
}

/** A running gateway: how to send it a request, and how to stop it. */
interface Running {
  send: Send;
  stop(): Promise<void>;
}

const ENTRIES: [string, (env: Record<string, string>) => Promise<Running>][] = [
  [
    'npm start',
    async (env) => {
      const gateway = await startGateway(env);
      return { send: (path, init) => fetch(`${gateway.origin}${path}`, init), stop: gateway.stop };
    },
  ],
  [
    'the Worker in workerd',
    async (env) => {
      const worker = await startWorker(env);
      return { send: (path, init) => worker.fetch(path, init), stop: worker.dispose };
    },
  ],
];

describe.each(ENTRIES)('REQUEST_TIMEOUT_MS against a platform that never answers, through %s', (_entry, start) => {
  let platform: Awaited<ReturnType<typeof silentPlatform>>;
  let gateway: Running;
  beforeAll(async () => {
    platform = await silentPlatform();
    gateway = await start(scayleEnv(platform.origin));
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await platform?.close();
  });

  it.each(CALLS)('$name: 504 upstream_timeout at the deadline, and the platform connection closed', (call) =>
    expectDeadlineHolds(platform, gateway.send, call),
  );
});

/**
 * A retry the request has no time for: a platform that asks for a wait past the deadline (429 with
 * Retry-After: 3 s, under the 5 s the client would wait out within its own time), or whose failed
 * answer took so long that another attempt could not end by it. Its answer (and Retry-After) goes to
 * the caller at once, one upstream call, instead of a 504 at REQUEST_TIMEOUT_MS.
 */
describe.each(ENTRIES)("a retry past the request's deadline, through %s", (_entry, start) => {
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  let gateway: Running;
  beforeAll(async () => {
    platforms = await servePlatforms(e2ePlatforms.filter((p) => p.name === 'scayle'));
    gateway = await start({
      ...platforms.env,
      UPSTREAM_BUDGET_SCAYLE: 'off',
      REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
      LOG_LEVEL: 'warn',
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await platforms?.close();
  });

  it("answers 429 with the platform's Retry-After after one call", async () => {
    const { emulator, server } = platforms.served[0]!;
    emulator.faults.inject({ method: 'GET', rateLimitSeconds: 3 });
    try {
      const before = server.requestsServed;
      const answer = await within(gateway.send('/v1/customers/1', { method: 'GET' }), BOUND_MS, 'the gateway answered');
      expect([answer.status, answer.headers.get('retry-after')]).toEqual([429, '3']);
      expect(await answer.json()).toMatchObject({ code: 'rate_limited' });
      expect(server.requestsServed - before).toBe(1);
    } finally {
      emulator.faults.clear();
    }
  });

  it("answers the platform's 503 after one slow call, rather than a 504 after a retry with no time left", async () => {
    // 600 ms per answer, 1 s in all: a retry after ≤ 0.3 s of backoff could not end in time.
    const { emulator, server } = platforms.served[0]!;
    emulator.faults.inject({ method: 'GET', status: 503, latencyMs: 600 });
    try {
      const before = server.requestsServed;
      const answer = await within(gateway.send('/v1/customers/1', { method: 'GET' }), BOUND_MS, 'the gateway answered');
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ code: 'upstream_unavailable' });
      expect(server.requestsServed - before).toBe(1);
    } finally {
      emulator.faults.clear();
    }
  });
});
