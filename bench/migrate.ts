/**
 * Migration benchmark (not part of `npm test`): `npm run bench:migrate`. Serves an SFCC emulator
 * (the source, BENCH_CUSTOMERS shoppers with one address each, default 5,000) and a SCAYLE
 * emulator with its rate limit on (EMULATOR_RATE_LIMIT, default 300/10: SCAYLE's 300 per scope
 * with a 10-second window, so the run takes minutes, not hours, and the budget rather than this
 * machine's CPU is what limits it) on loopback, runs
 * `npm run migrate` against them as a child process configured by env only, and reports
 * customers/s as a share of SCAYLE's write budget, the 429s it received (goal: none after the
 * first minute) and the migration process's resident memory every 1,000 customers (goal: flat,
 * at most 10 % above the 2,000-customer sample from there on; the emulators are not counted).
 * BENCH_CONCURRENCY (default 24) is passed as --concurrency; BENCH_RATE, when set, as --rate
 * (without it the migration assumes SCAYLE's published 300/60 and learns the window from the
 * X-RateLimit-Reset headers). Exits 1 when a goal is missed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { createScayleEmulator } from '../emulators/scayle/index.js';
import { serveOnLoopback } from '../emulators/shared/runtime.js';
import { createSfccEmulator } from '../emulators/sfcc/index.js';
import type { MigrationResult } from '../migrate/lib/index.js';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 5000);
const concurrency = process.env.BENCH_CONCURRENCY ?? '24';
const [limit, windowSeconds] = (process.env.EMULATOR_RATE_LIMIT ?? '300/10').split('/').map(Number) as [number, number];

const sfcc = createSfccEmulator({ seed: false });
sfcc.backdoor.seed(
  Array.from({ length: customers }, (_, i) => ({
    customer: {
      login: `bench${i}@example.com`,
      email: `bench${i}@example.com`,
      first_name: 'Bench',
      last_name: `Shopper${i}`,
      c_externalRef: `B-${i}`,
    },
    addresses: [
      {
        address_id: 'home',
        first_name: 'Bench',
        last_name: `Shopper${i}`,
        address1: `Hauptstraße ${i % 200}`,
        city: 'Berlin',
        postal_code: '10115',
        country_code: 'DE',
        preferred: true,
      },
    ],
  })),
);
const scayle = createScayleEmulator({ seed: false, rateLimit: { limit, windowSeconds } });

// What SCAYLE answered, per scope and second: the benchmark's own count, not the migration's.
const started = Date.now();
const answered: { at: number; scope: string; status: number }[] = [];
const front = new Hono();
front.all('*', async (c) => {
  const response = await scayle.app.fetch(c.req.raw);
  answered.push({
    at: (Date.now() - started) / 1000,
    scope: c.req.method === 'GET' ? 'customersRead' : 'customersWrite',
    status: response.status,
  });
  return response;
});
const [source, target] = await Promise.all([serveOnLoopback(sfcc.app), serveOnLoopback(front)]);

const report = join(mkdtempSync(join(tmpdir(), 'bench-migrate-')), 'report.json');
const args = [
  'scripts/run-built.mjs',
  'migrate',
  '--from',
  'sfcc',
  '--to',
  'scayle',
  '--omit',
  'login',
  '--batch-size',
  '200',
  '--concurrency',
  concurrency,
  '--report',
  report,
];
if (process.env.BENCH_RATE) args.push('--rate', process.env.BENCH_RATE);
console.log(
  `migrating ${customers} customers sfcc → scayle (limit ${limit}/${windowSeconds}s per scope, concurrency ${concurrency})…`,
);
const code = await new Promise<number | null>((resolve) => {
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      ...sfcc.connectionEnv(source.origin),
      ...scayle.connectionEnv(target.origin),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('close', resolve);
});
await Promise.all([source.close(), target.close()]);

const result = JSON.parse(readFileSync(report, 'utf8')) as MigrationResult;
const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
// Each scope has its own budget; the one a customer uses most of binds.
const perCustomer = (scope: string) =>
  answered.filter((a) => a.scope === scope && a.status !== 429).length / Math.max(1, result.counts.created);
const binding = ['customersRead', 'customersWrite']
  .map((scope) => ({ scope, calls: perCustomer(scope) }))
  .sort((a, b) => b.calls - a.calls)[0]!;
const budgetCustomersPerSecond = limit / windowSeconds / binding.calls;
const customersPerSecond = result.counts.created / seconds;
const share = customersPerSecond / budgetCustomersPerSecond;
const rejected = answered.filter((a) => a.status === 429);
const lateRejections = rejected.filter((a) => a.at > 60).length;

console.log(
  `\nexit ${code}: ${result.counts.created} created, ${result.counts.failed} failed in ${seconds.toFixed(0)} s`,
);
console.log(
  `${customersPerSecond.toFixed(2)} customers/s; the ${binding.scope} budget allows ${budgetCustomersPerSecond.toFixed(2)}/s at ${binding.calls.toFixed(2)} calls per customer: ${(share * 100).toFixed(1)} % (goal ≥ 90 %)`,
);
console.log(`429s received: ${rejected.length} (${lateRejections} after the first minute; goal 0)`);
// Sampled inside the migration (the child process) at every 1,000th customer: the emulators and
// their growing stores live in this process, so they are not counted.
const rss = result.timeline.filter((s) => s.done > 0 && s.done % 1000 === 0 && s.rssMiB !== undefined);
console.log(
  `migration process resident memory (JS heap in use): ${rss.map((s) => `${s.done}: ${s.rssMiB} MiB (${s.heapMiB})`).join(' · ')}`,
);
console.log(
  `(this process, serving both emulators and their stores: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB, not counted)`,
);
// The first 1,000 customers warm up (compiled code, V8 sizing its heap); from the 2nd sample on it must stay flat.
const settled = rss.slice(1);
const growth = settled.length > 1 ? Math.max(...settled.map((s) => s.rssMiB!)) / settled[0]!.rssMiB! - 1 : undefined;
const flat = growth === undefined || growth <= 0.1;
console.log(
  growth === undefined
    ? 'flatness not judged: fewer than 3 samples (run ≥ 3,000 customers)'
    : `growth from ${settled[0]!.done} customers to the peak after it: ${(growth * 100).toFixed(1)} % (goal ≤ 10 %): ${flat ? 'flat' : 'GROWING'}`,
);
for (const p of result.pacing ?? [])
  console.log(
    `pace ${p.backend}: ${p.requests} requests, ${p.rateLimited} × 429, waited ${p.waitedSeconds} s, window ${p.windowSeconds} s`,
  );
rmSync(dirname(report), { recursive: true, force: true });
const ok = code === 0 && share >= 0.9 && lateRejections === 0 && flat;
console.log(ok ? 'PASS' : 'MISS');
process.exit(ok ? 0 : 1);
