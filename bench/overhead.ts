/**
 * `npx tsx bench/overhead.ts`: the gateway's own CPU cost per request, in one process, without
 * sockets: the app answers GET customer with addresses (SCAYLE adapter, LOG_LEVEL=info, logs to
 * /dev/null through pino's async writer) over an upstream fetch that hands back a prepared
 * SCAYLE payload. CPU time per request (process.cpuUsage) barely moves when the machine is busy,
 * unlike req/s, so it is the figure optimisation commits quote. OVERHEAD_REQUESTS (4000) tunes it.
 */
import { openSync } from 'node:fs';
import { BufferedResponse } from '../transport/buffered-response.js';
import { createApp } from '../src/app.js';
import { createDeps } from '../src/deps.js';
import { parseEnv } from '../src/env.js';
import { createLogger } from '../src/logging/logger.js';

const requests = Number(process.env.OVERHEAD_REQUESTS ?? 4000);
const concurrency = 16;
const payload = JSON.stringify({
  id: 4711,
  referenceKey: 'crm-0004711',
  firstName: 'Mara',
  lastName: 'Lindqvist',
  gender: 'f',
  birthDate: '1987-04-12',
  email: 'mara.lindqvist+4711@example.org',
  phone: '+49 40 5550123',
  publicKey: 'C-4711',
  title: 'Dr.',
  type: 'personal',
  groups: ['newsletter', 'vip'],
  status: { isActive: true, isGuestCustomer: false },
  addresses: [0, 1].map((i) => ({
    id: 47110 + i,
    referenceKey: `addr-4711-${i}`,
    street: i ? 'Prinsengracht' : 'Elbchaussee',
    houseNumber: i ? '263' : '40',
    additional: i ? null : '3. OG links',
    zipCode: i ? '1016 GV' : '22763',
    city: i ? 'Amsterdam' : 'Hamburg',
    countryCode: i ? 'NLD' : 'DEU',
    isDefault: { billing: i === 0, shipping: i === 1 },
    recipient: { firstName: 'Mara', lastName: 'Lindqvist', gender: 'f' },
    createdAt: '2023-03-14T08:12:40+00:00',
    updatedAt: '2024-11-02T17:45:09+00:00',
  })),
  legacyCustomData: { loyalty: { tier: 'gold', points: 1280 } },
  createdAt: '2021-06-01T09:30:00+00:00',
  updatedAt: '2025-01-15T12:00:03+00:00',
});
const payloadBytes = new TextEncoder().encode(payload);
// What the Node upstream fetch hands back: the body already read (see transport/buffered-response.ts).
const upstream = (async () =>
  new BufferedResponse(payloadBytes.slice(), {
    status: 200,
    headers: new Headers({ 'content-type': 'application/json' }),
  })) as typeof fetch;

const config = parseEnv({
  BACKENDS: 'scayle',
  SCAYLE_BASE_URL: 'http://scayle.test/api/admin/v1',
  SCAYLE_ACCESS_TOKEN: 't',
  SCAYLE_SHOP_KEY: 'bench',
  SCAYLE_COUNTRY_CODE: 'DE',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  UPSTREAM_BUDGET_SCAYLE: 'off',
});
const devNull = openSync('/dev/null', 'w');
const log = createLogger({ level: config.logLevel, asyncStdout: true, fd: devNull });
const app = createApp(createDeps(config, { fetch: upstream, log }, {}));

async function run(count: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const response = await app.request('/v1/customers/4711?expand=addresses');
        if (response.status !== 200) throw new Error(`answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }
    }),
  );
}

await run(1000); // warm-up: JIT, caches
const cpu = process.cpuUsage();
const started = performance.now();
await run(requests);
const used = process.cpuUsage(cpu);
const wall = performance.now() - started;
console.log(
  `gateway overhead, GET customer with addresses: ${((used.user + used.system) / requests).toFixed(0)} µs CPU/request (${requests} requests, ${(requests / (wall / 1000)).toFixed(0)} req/s in-process)`,
);
