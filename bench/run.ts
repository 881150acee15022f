/**
 * Load benchmarks (not part of `npm test`): `npm run bench`. Starts the gateway on a loopback
 * port with the zero-config backends (embedded emulators) plus `memory`, drives each scenario with
 * autocannon for a bounded time, and checks the targets below. Exits 1 when a target is missed.
 * BENCH_SECONDS (default 5) and BENCH_CONNECTIONS (default 16) tune the run; a backend given a
 * *_BASE_URL (e.g. `npm run emulator` on loopback) is reached over HTTP through the Node upstream fetch.
 */
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { loadDeps } from '../src/deps.js';
import { parseEnv } from '../src/env.js';
import { createLogger } from '../src/logging/logger.js';
import { createUpstreamFetch } from '../transport/node-fetch.js';

interface Scenario {
  name: string;
  path: string;
  method?: 'GET' | 'POST';
  body?: () => string;
  /** Requests per second the gateway must sustain on this machine (2 cores). */
  minRps: number;
  /** 99th-percentile latency ceiling in ms. */
  maxP99Ms: number;
}

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const backends = process.env.BENCH_BACKENDS ?? 'memory,sfcc,scayle,open2b';

// A backend whose *_BASE_URL (and credentials) are set in the environment is benched over HTTP.
const config = parseEnv({ ...process.env, BACKENDS: backends, DEFAULT_BACKEND: undefined, LOG_LEVEL: 'silent' });
// The Node entry's upstream client, for any backend configured with a real base URL.
const upstream = createUpstreamFetch({ connections: 64 });
const deps = await loadDeps(config, { fetch: upstream.fetch, log: createLogger({ level: 'silent' }) });
const app = createApp(deps);

let counter = 0;
const scenarios: Scenario[] = [
  { name: 'health', path: '/health', minRps: 3000, maxP99Ms: 50 },
  { name: 'memory: get customer', path: '/v1/backends/memory/customers/00001', minRps: 2000, maxP99Ms: 60 },
  { name: 'memory: list customers', path: '/v1/backends/memory/customers?limit=20', minRps: 1500, maxP99Ms: 80 },
  {
    name: 'memory: register customer',
    path: '/v1/backends/memory/customers',
    method: 'POST',
    body: () =>
      JSON.stringify({
        email: `bench-${++counter}-${Date.now()}@example.com`,
        lastName: 'Bench',
        password: 'Bench-Passw0rd!',
      }),
    minRps: 1000,
    maxP99Ms: 100,
  },
  ...['sfcc', 'scayle', 'open2b']
    .filter((b) => deps.backends.has(b))
    .map((b) => ({
      name: `${b} (${deps.emulators.has(b) ? 'embedded emulator' : 'over HTTP'}): list customers`,
      path: `/v1/backends/${b}/customers`,
      minRps: 300,
      maxP99Ms: 250,
    })),
];

const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let failed = false;
console.log(`customer-gateway bench: ${seconds}s per scenario, ${connections} connections, backends ${backends}\n`);
for (const scenario of scenarios) {
  const result = await autocannon({
    url: `${origin}${scenario.path}`,
    method: scenario.method ?? 'GET',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    ...(scenario.body
      ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: scenario.body!() }) }] }
      : {}),
  });
  const rps = result.requests.average;
  const p99 = result.latency.p99;
  const errors = result.non2xx + result.errors;
  const ok = rps >= scenario.minRps && p99 <= scenario.maxP99Ms && errors === 0;
  failed ||= !ok;
  console.log(
    `${ok ? 'PASS' : 'MISS'}  ${scenario.name.padEnd(62)} ${rps.toFixed(0).padStart(6)} req/s (≥${scenario.minRps})  p99 ${String(p99).padStart(4)} ms (≤${scenario.maxP99Ms})  non-2xx/errors ${errors}`,
  );
}
const rssMiB = process.memoryUsage().rss / 1024 / 1024;
// Gateway, four backends with their stores (thousands of customers registered above) and autocannon itself.
const memoryOk = rssMiB < 512;
failed ||= !memoryOk;
console.log(`${memoryOk ? 'PASS' : 'MISS'}  resident memory after the run ${rssMiB.toFixed(0)} MiB (<512)`);
server.close();
await upstream.close();
process.exit(failed ? 1 : 0);
